// inspect_zip_pickles: PyTorch archives (torch.save since 1.6) and any other ZIP that reaches the
// pickle rules.
//
// torch.load unpickles <record>/data.pkl, where <record> is the archive's top folder; the tensor
// bytes live in <record>/data/<key> and are never unpickled. So every member except those storages
// is scanned when it is named *.pkl or starts like a binary pickle (a pickle renamed data.txt is
// still a pickle), and every member, storages included, must pass its CRC-32 check.
#include <set>

#include "policies/inspect/file_inspector.hpp"
#include "policies/inspect/pickle_scanner.hpp"
#include "policies/inspect/zip_reader.hpp"

namespace mirrord {
namespace {

// A pickle member is read whole before it is scanned; real data.pkl files are a few MiB.
constexpr std::uint64_t kMaxPickleMember = 256ull << 20;

FileInspection zip_refusal(std::string reason) {
  FileInspection inspection;
  inspection.format = "torch-zip";
  inspection.refused = true;
  inspection.reason = std::move(reason);
  return inspection;
}

std::string record_of(const std::string& name) {
  const std::size_t slash = name.find('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

// The records that hold a data.pkl: their data/ members are tensor storages.
std::set<std::string> torch_records(const ZipArchive& archive) {
  std::set<std::string> records;
  for (const ZipMember& member : archive.members()) {
    const std::string record = record_of(member.name);
    if (!record.empty() && member.name == record + "/data.pkl") {
      records.insert(record);
    }
  }
  return records;
}

bool is_storage(const std::string& name, const std::set<std::string>& records) {
  const std::string record = record_of(name);
  return records.contains(record) && name.starts_with(record + "/data/") &&
         name.size() > record.size() + 6;
}

Result<std::vector<std::string>> scan_member(const ZipArchive& archive, const ZipMember& member) {
  if (member.uncompressed_size > kMaxPickleMember) {
    return make_error(ErrorCode::kInvalidInput,
                      "pickle member " + member.name + " is larger than the scanner reads");
  }
  std::string bytes;  // not reserved from the recorded size: a record is not a promise
  MIRRORD_TRY(archive.read_member(member, [&](std::span<const std::byte> chunk) {
    bytes.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return Status{};
  }));
  MemoryByteSource source{std::string_view(bytes)};
  ByteReader reader(source);
  auto scan = scan_pickles(reader);
  if (!scan) {
    return make_error(scan.error().code, member.name + ": " + scan.error().message);
  }
  return std::move(scan->imports);
}

}  // namespace

Result<FileInspection> inspect_zip_pickles(const ByteSource& source, const InspectRules& rules) {
  auto archive = ZipArchive::open(source);
  if (!archive) {
    if (archive.error().code != ErrorCode::kInvalidInput) {
      return archive.error();
    }
    return zip_refusal(archive.error().message);
  }
  const std::set<std::string> records = torch_records(*archive);
  FileInspection inspection;
  inspection.format = records.empty() ? "zip" : "torch-zip";
  std::set<std::string> imports;
  int pickles = 0;
  for (const ZipMember& member : archive->members()) {
    const bool storage = is_storage(member.name, records);
    std::string head;
    if (!storage) {
      MIRRORD_TRY_ASSIGN(head, archive->read_head(member, 2));
    }
    const bool pickle =
        !storage && (member.name.ends_with(".pkl") || starts_like_binary_pickle(head));
    if (!pickle) {
      Status crc =
          archive->read_member(member, [](std::span<const std::byte>) { return Status{}; });
      if (!crc) {
        return crc.error().code == ErrorCode::kInvalidInput ? zip_refusal(crc.error().message)
                                                            : Result<FileInspection>(crc.error());
      }
      continue;
    }
    if (rules.pickles == PickleRule::kRefuse) {
      return zip_refusal("holds the pickle " + member.name +
                         "; the policy refuses pickles (pickles = \"refuse\")");
    }
    auto scanned = scan_member(*archive, member);
    if (!scanned) {
      return scanned.error().code == ErrorCode::kInvalidInput
                 ? zip_refusal(scanned.error().message)
                 : Result<FileInspection>(scanned.error());
    }
    imports.insert(scanned->begin(), scanned->end());
    ++pickles;
  }
  inspection.imports.assign(imports.begin(), imports.end());
  inspection.detail = std::to_string(archive->members().size()) + " members, " +
                      std::to_string(pickles) + " pickle(s) scanned";
  return inspection;
}

}  // namespace mirrord
