#include "daemon/git/git_server_info.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "daemon/git/git_pack_maintenance.hpp"
#include "daemon/git/git_pack_names.hpp"
#include "storage/unique_fd.hpp"

namespace mirrord::git {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return make_error(errno == ENOSPC ? ErrorCode::kNoSpace : ErrorCode::kIo,
                    what + " " + path.string() + ": " + std::strerror(errno));
}

Status write_all(int fd, std::string_view text, const std::filesystem::path& path) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return io_error("cannot write", path);
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

std::string render_info_refs(std::vector<PublishedRef> refs) {
  std::sort(refs.begin(), refs.end(),
            [](const PublishedRef& a, const PublishedRef& b) { return a.name < b.name; });
  std::string text;
  for (const PublishedRef& ref : refs) {
    text += ref.oid + "\t" + ref.name + "\n";
    if (ref.peeled) {
      text += *ref.peeled + "\t" + ref.name + "^{}\n";
    }
  }
  return text;
}

std::string render_info_packs(const std::vector<std::string>& pack_names) {
  std::string text;
  for (const std::string& name : pack_names) {
    text += "P " + name + "\n";
  }
  return text + "\n";
}

Result<std::vector<std::string>> list_packs(const std::filesystem::path& repo_dir) {
  const std::filesystem::path pack_dir = repo_dir / "objects" / "pack";
  std::vector<std::string> packs;
  const std::set<std::string> retired = retired_packs(repo_dir);
  std::error_code ec;
  std::filesystem::directory_iterator it(pack_dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) {
      return packs;
    }
    return make_error(ErrorCode::kIo, "cannot list " + pack_dir.string() + ": " + ec.message());
  }
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (is_pack_file_name(name) && name.ends_with(".pack") && !retired.contains(name) &&
        std::filesystem::exists(pack_dir / index_name_of(name), ec)) {
      packs.push_back(name);
    }
  }
  std::sort(packs.begin(), packs.end());
  return packs;
}

Status write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path dir = path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create " + dir.string() + ": " + ec.message());
  }
  const std::filesystem::path temp = path.string() + ".tmp";
  {
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) {
      return io_error("cannot create", temp);
    }
    MIRRORD_TRY(write_all(fd.get(), text, temp));
    if (::fsync(fd.get()) != 0) {
      return io_error("cannot fsync", temp);
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return io_error("cannot rename into", path);
  }
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid() || ::fsync(dir_fd.get()) != 0) {
    return io_error("cannot fsync", dir);
  }
  return {};
}

Status write_server_info(git_repository* repo, const std::filesystem::path& repo_dir) {
  MIRRORD_TRY_ASSIGN(const std::vector<std::string> packs, list_packs(repo_dir));
  MIRRORD_TRY(
      write_file_atomically(repo_dir / "objects" / "info" / "packs", render_info_packs(packs)));
  MIRRORD_TRY_ASSIGN(std::vector<PublishedRef> refs, list_published_refs(repo));
  return write_file_atomically(repo_dir / "info" / "refs", render_info_refs(std::move(refs)));
}

}  // namespace mirrord::git
