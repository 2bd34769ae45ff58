#include "daemon/replica/bundle_index.hpp"

#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "daemon/replica/record_checks.hpp"

namespace mirrord::replica {
namespace {

using nlohmann::json;

Error invalid(const std::string& reason) {
  return make_error(ErrorCode::kInvalidInput, "bundle index: " + reason);
}

Result<std::string> text(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    return invalid(std::string("field '") + name + "' is missing or not a string");
  }
  return it->get<std::string>();
}

Result<Sha256> digest(const json& object) {
  MIRRORD_TRY_ASSIGN(const std::string hex, text(object, "sha256"));
  const auto parsed = Sha256::from_hex(hex);
  if (!parsed || parsed->hex() != hex) {
    return invalid("sha256 '" + hex.substr(0, 80) + "' is not 64 lower-case hex digits");
  }
  return *parsed;
}

const json& array(const json& object, const char* name) {
  static const json kNone;
  const auto it = object.find(name);
  return it != object.end() && it->is_array() ? *it : kNone;
}

Result<std::vector<BundleRecordEntry>> parse_records(const json& index) {
  const json& list = array(index, "records");
  if (!list.is_array()) {
    return invalid("field 'records' is missing or not an array");
  }
  std::vector<BundleRecordEntry> records;
  for (const json& entry : list) {
    if (!entry.is_object()) {
      return invalid("a record entry is not an object");
    }
    BundleRecordEntry record;
    MIRRORD_TRY_ASSIGN(record.name, text(entry, "name"));
    if (record.name != record_member_name(records.size())) {
      return invalid("record " + record.name.substr(0, 80) + " is not " +
                     record_member_name(records.size()));
    }
    MIRRORD_TRY_ASSIGN(record.sha256, digest(entry));
    records.push_back(std::move(record));
  }
  return records;
}

Result<std::vector<BundleBlobEntry>> parse_blobs(const json& index) {
  const json& list = array(index, "blobs");
  if (!list.is_array()) {
    return invalid("field 'blobs' is missing or not an array");
  }
  std::vector<BundleBlobEntry> blobs;
  std::set<Sha256> seen;
  for (const json& entry : list) {
    if (!entry.is_object() || !entry.contains("size") || !entry["size"].is_number_unsigned()) {
      return invalid("a blob entry is not an object with a sha256 and a size");
    }
    BundleBlobEntry blob;
    MIRRORD_TRY_ASSIGN(blob.sha256, digest(entry));
    blob.size = entry["size"].get<std::uint64_t>();
    if (auto bad = check_size(blob.size)) {
      return invalid(*bad);
    }
    if (!seen.insert(blob.sha256).second) {
      return invalid("blob " + blob.sha256.hex() + " is listed twice");
    }
    blobs.push_back(blob);
  }
  return blobs;
}

}  // namespace

std::string record_member_name(std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "records/%06zu", index + 1);
  return name;
}

std::string blob_member(const Sha256& digest) {
  return "blobs/sha256/" + digest.hex();
}

std::string serialize_index(const BundleIndex& index) {
  json records = json::array();
  for (const BundleRecordEntry& record : index.records) {
    records.push_back(json{{"name", record.name}, {"sha256", record.sha256.hex()}});
  }
  json blobs = json::array();
  for (const BundleBlobEntry& blob : index.blobs) {
    blobs.push_back(json{{"sha256", blob.sha256.hex()}, {"size", blob.size}});
  }
  return json{{"format", kBundleFormat},          {"created_at", index.created_at},
              {"key_id", index.key_id},           {"public_key_pem", index.public_key_pem},
              {"base_bundle", index.base_bundle}, {"records", std::move(records)},
              {"blobs", std::move(blobs)}}
      .dump();
}

Result<BundleIndex> parse_index(std::string_view bytes) {
  const json index = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (index.is_discarded() || !index.is_object()) {
    return invalid("not a JSON object");
  }
  MIRRORD_TRY_ASSIGN(const std::string format, text(index, "format"));
  if (format != kBundleFormat) {
    return invalid("format '" + format.substr(0, 80) + "' is not " + std::string(kBundleFormat));
  }
  BundleIndex parsed;
  const auto created = index.find("created_at");
  if (created == index.end() || !created->is_number_integer()) {
    return invalid("field 'created_at' is missing or not an integer");
  }
  parsed.created_at = created->get<std::int64_t>();
  MIRRORD_TRY_ASSIGN(parsed.key_id, text(index, "key_id"));
  MIRRORD_TRY_ASSIGN(parsed.public_key_pem, text(index, "public_key_pem"));
  MIRRORD_TRY_ASSIGN(parsed.base_bundle, text(index, "base_bundle"));
  if (!parsed.base_bundle.empty() && !Sha256::from_hex(parsed.base_bundle)) {
    return invalid("base_bundle is not a bundle id");
  }
  MIRRORD_TRY_ASSIGN(parsed.records, parse_records(index));
  MIRRORD_TRY_ASSIGN(parsed.blobs, parse_blobs(index));
  return parsed;
}

std::string bundle_id(std::string_view index_bytes) {
  return sha256_of(index_bytes).hex();
}

}  // namespace mirrord::replica
