#include "policies/inspect/safetensors_validator.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mirrord {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 4;  // root object > tensor object > shape array (> nothing)

struct DtypeBits {
  std::string_view name;
  std::uint64_t bits;
};

constexpr std::array kDtypes = {
    DtypeBits{"BOOL", 8},    DtypeBits{"U8", 8},      DtypeBits{"I8", 8},
    DtypeBits{"F8_E5M2", 8}, DtypeBits{"F8_E4M3", 8}, DtypeBits{"F8_E8M0", 8},
    DtypeBits{"I16", 16},    DtypeBits{"U16", 16},    DtypeBits{"F16", 16},
    DtypeBits{"BF16", 16},   DtypeBits{"I32", 32},    DtypeBits{"U32", 32},
    DtypeBits{"F32", 32},    DtypeBits{"F64", 64},    DtypeBits{"I64", 64},
    DtypeBits{"U64", 64},    DtypeBits{"C64", 64},    DtypeBits{"F4", 4},
    DtypeBits{"F6_E2M3", 6}, DtypeBits{"F6_E3M2", 6},
};

Error refuse(const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, "safetensors: " + why);
}

struct Range {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  const std::string* name = nullptr;
};

// Parses the header, refusing duplicate keys (nlohmann keeps the last silently) and deep nesting.
Result<json> parse_header(const std::string& text) {
  std::vector<std::set<std::string>> keys;
  std::string problem;
  const json::parser_callback_t watch = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxDepth && problem.empty()) {
      problem = "the header nests deeper than a safetensors header can";
    }
    if (event == json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == json::parse_event_t::object_end && !keys.empty()) {
      keys.pop_back();
    } else if (event == json::parse_event_t::key && !keys.empty() &&
               !keys.back().insert(parsed.get<std::string>()).second && problem.empty()) {
      problem = "the header repeats the key '" + parsed.get<std::string>() + "'";
    }
    return depth <= kMaxDepth;
  };
  json header = json::parse(text, watch, /*allow_exceptions=*/false);
  if (header.is_discarded()) {
    return refuse("the header is not valid UTF-8 JSON");
  }
  if (!problem.empty()) {
    return refuse(problem);
  }
  if (!header.is_object()) {
    return refuse("the header is not a JSON object");
  }
  return header;
}

std::optional<std::uint64_t> dtype_bits(const json& dtype) {
  if (!dtype.is_string()) {
    return std::nullopt;
  }
  const std::string& name = dtype.get_ref<const std::string&>();
  for (const DtypeBits& known : kDtypes) {
    if (known.name == name) {
      return known.bits;
    }
  }
  return std::nullopt;
}

bool mul_overflows(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return __builtin_mul_overflow(a, b, &out);
}

// The byte range of one tensor entry, checked against its dtype and shape.
Result<Range> tensor_range(const std::string& name, const json& info, SafetensorsSummary& out) {
  if (!info.is_object() || info.size() != 3 || !info.contains("dtype") || !info.contains("shape") ||
      !info.contains("data_offsets")) {
    return refuse("tensor '" + name + "' must have exactly dtype, shape and data_offsets");
  }
  const auto bits = dtype_bits(info["dtype"]);
  if (!bits) {
    return refuse("tensor '" + name + "' has an unknown dtype " + info["dtype"].dump());
  }
  const json& shape = info["shape"];
  const json& offsets = info["data_offsets"];
  if (!shape.is_array() || !offsets.is_array() || offsets.size() != 2 ||
      !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
    return refuse("tensor '" + name + "' has a malformed shape or data_offsets");
  }
  std::uint64_t elements = 1;
  for (const json& dim : shape) {
    if (!dim.is_number_unsigned() || mul_overflows(elements, dim.get<std::uint64_t>(), elements)) {
      return refuse("tensor '" + name + "' has a negative, non-integer or overflowing dimension");
    }
  }
  std::uint64_t total_bits = 0;
  if (mul_overflows(elements, *bits, total_bits) || total_bits % 8 != 0) {
    return refuse("tensor '" + name + "' does not fill a whole number of bytes");
  }
  const Range range{offsets[0].get<std::uint64_t>(), offsets[1].get<std::uint64_t>(), &name};
  if (range.end < range.begin || range.end - range.begin != total_bits / 8) {
    return refuse("tensor '" + name + "' spans " + offsets.dump() +
                  " but its dtype and shape need " + std::to_string(total_bits / 8) + " bytes");
  }
  ++out.dtypes[info["dtype"].get<std::string>()];
  return range;
}

Status check_metadata(const json& metadata) {
  if (!metadata.is_object()) {
    return refuse("__metadata__ is not an object");
  }
  for (const auto& [key, value] : metadata.items()) {
    if (!value.is_string()) {
      return refuse("__metadata__ value of '" + key + "' is not a string");
    }
  }
  return {};
}

}  // namespace

Result<SafetensorsSummary> validate_safetensors(const ByteSource& source) {
  ByteReader reader(source);
  if (source.size() < 8) {
    return refuse("shorter than the 8-byte header length");
  }
  MIRRORD_TRY_ASSIGN(const std::uint64_t length, reader.u64le());
  if (length > kMaxSafetensorsHeader) {
    return refuse("header length " + std::to_string(length) + " is above the limit of " +
                  std::to_string(kMaxSafetensorsHeader));
  }
  if (length > reader.remaining()) {
    return refuse("header length " + std::to_string(length) + " runs past the end of the file");
  }
  MIRRORD_TRY_ASSIGN(const std::string text, reader.bytes(length));
  MIRRORD_TRY_ASSIGN(const json header, parse_header(text));
  SafetensorsSummary summary;
  summary.header_length = length;
  std::vector<std::string> names;
  names.reserve(header.size());
  for (const auto& [key, value] : header.items()) {
    names.push_back(key);
  }
  std::vector<Range> ranges;
  for (const std::string& name : names) {
    if (name == "__metadata__") {
      MIRRORD_TRY(check_metadata(header[name]));
      continue;
    }
    MIRRORD_TRY_ASSIGN(const Range range, tensor_range(name, header[name], summary));
    ranges.push_back(range);
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t expected = 0;
  for (const Range& range : ranges) {
    if (range.begin != expected) {
      return refuse("tensor '" + *range.name + "' starts at " + std::to_string(range.begin) +
                    " where " + std::to_string(expected) + " was expected (a hole or an overlap)");
    }
    expected = range.end;
  }
  if (expected != reader.remaining()) {
    return refuse("the tensors cover " + std::to_string(expected) + " bytes of data but the file " +
                  "holds " + std::to_string(reader.remaining()) + " after the header");
  }
  summary.tensors = ranges.size();
  summary.data_bytes = expected;
  return summary;
}

}  // namespace mirrord
