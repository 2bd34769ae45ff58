// The strict splitter for clearsigned OpenPGP messages (RFC 4880 §7), as apt applies it to
// InRelease files (protocols/apt.md §3 step 2 and §4 step 3).
//
// gpgv reports "Good signature" for a file with unsigned text appended after the signature, so a
// verifier must refuse what lies outside the one signed block itself. This splitter accepts only:
// optional blank lines, "-----BEGIN PGP SIGNED MESSAGE-----", "Hash:" armor headers, one empty
// line, the dash-escaped text, one signature block, optional blank lines. Anything else (a
// second message, text before or after, an unescaped line starting with '-', a NUL byte) is an
// error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"

namespace mirrord::apt {

struct ClearsignedMessage {
  std::vector<std::string> hash_algorithms;  // from the "Hash:" headers, e.g. {"SHA256"}
  // The signed text with dash-escaping undone, each line ended by '\n' (the form `gpgv --output`
  // writes, except that gpgv also drops trailing blanks of each line).
  std::string text;
  std::string signature;  // the armored signature block, BEGIN to END line, each line ended by '\n'
};

Result<ClearsignedMessage> split_clearsigned(std::string_view input);

// `text` with trailing spaces and tabs removed from every line: the form in which a signature
// covers the text, used to compare the splitter's text with gpgv's.
std::string without_trailing_blanks(std::string_view text);

}  // namespace mirrord::apt
