// HTML character references and escaping, for reading upstream pages and writing ours.
#pragma once

#include <string>
#include <string_view>

namespace mirrord::pypi {

// Decodes &amp; &lt; &gt; &quot; &apos; &nbsp; and numeric references (&#62; &#x3E;) to UTF-8.
// Invalid code points become U+FFFD; unknown or unterminated references are kept as written.
std::string decode_entities(std::string_view text);

// Escapes & < > " ' so that the text is safe in element content and in quoted attributes.
std::string escape_html(std::string_view text);

}  // namespace mirrord::pypi
