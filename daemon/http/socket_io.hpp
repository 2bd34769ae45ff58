// Non-blocking writes straight to a socket descriptor, for the response path: the head and a
// short body in one sendmsg(2), a file range with sendfile(2). The caller waits for the socket
// to become writable (with its timeout) when a call reports kWouldBlock, then calls again.
//
// Writing directly, rather than through an asynchronous write operation, costs one system call
// when the socket has room, as it almost always has for a response head: no timer is armed, no
// handler is queued.
#pragma once

#include <cstdint>
#include <string_view>

namespace mirrord::http {

enum class WriteProgress { kDone, kWouldBlock, kFailed };

// Writes what remains of `head` then `body`, after the first `written` bytes of the two
// (advanced by what goes out). `more_follows` (TCP only) tells the kernel that a file body comes
// next, so that a short response leaves in one packet with the start of the file.
WriteProgress write_buffers(int socket, std::string_view head, std::string_view body,
                            std::uint64_t& written, bool more_follows);

// Sends up to `count` bytes of `file` starting at `offset` (advanced by what goes out).
// kDone: some bytes went out (`count` may not be reached: call again); kFailed also when the file
// ends before `count` bytes (`short_file` is then set).
WriteProgress send_file_some(int socket, int file, std::uint64_t& offset, std::uint64_t count,
                             std::uint64_t& sent, bool& short_file);

}  // namespace mirrord::http
