#include "daemon/http/socket_io.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

namespace mirrord::http {
namespace {

WriteProgress after_error() {
  return errno == EAGAIN || errno == EWOULDBLOCK ? WriteProgress::kWouldBlock
                                                 : WriteProgress::kFailed;
}

}  // namespace

WriteProgress write_buffers(int socket, std::string_view head, std::string_view body,
                            std::uint64_t& written, bool more_follows) {
  const std::uint64_t total = head.size() + body.size();
  while (written < total) {
    iovec parts[2];
    int count = 0;
    if (written < head.size()) {
      parts[count++] = {const_cast<char*>(head.data() + written), head.size() - written};
    }
    const std::uint64_t into_body = written > head.size() ? written - head.size() : 0;
    if (into_body < body.size()) {
      parts[count++] = {const_cast<char*>(body.data() + into_body), body.size() - into_body};
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(count);
    const int flags = MSG_NOSIGNAL | (more_follows ? MSG_MORE : 0);
    const ssize_t n = ::sendmsg(socket, &message, flags);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return after_error();
    }
    written += static_cast<std::uint64_t>(n);
  }
  return WriteProgress::kDone;
}

WriteProgress send_file_some(int socket, int file, std::uint64_t& offset, std::uint64_t count,
                             std::uint64_t& sent, bool& short_file) {
  for (;;) {
    auto position = static_cast<off_t>(offset);
    const ssize_t n = ::sendfile(socket, file, &position, static_cast<std::size_t>(count));
    if (n > 0) {
      offset += static_cast<std::uint64_t>(n);
      sent += static_cast<std::uint64_t>(n);
      return WriteProgress::kDone;
    }
    if (n == 0) {
      short_file = true;
      return WriteProgress::kFailed;
    }
    if (errno == EINTR)
      continue;
    return after_error();
  }
}

}  // namespace mirrord::http
