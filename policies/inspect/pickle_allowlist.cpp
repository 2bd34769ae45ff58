// The imports a weights pickle may make (the torch tensor-rebuild set and its helpers). Everything
// else is refused: an allowlist cannot be bypassed by a gadget nobody thought of (security.md
// §2.2).
#include <algorithm>

#include "policies/inspect/pickle_scanner.hpp"

namespace mirrord {
namespace {

std::vector<std::string_view> make_allowlist() {
  std::vector<std::string_view> names = {
      "collections.OrderedDict",
      "collections.Counter",
      "torch._utils._rebuild_tensor",
      "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_tensor_v3",
      "torch._utils._rebuild_parameter",
      "torch._utils._rebuild_parameter_with_state",
      "torch._utils._rebuild_qtensor",
      "torch._utils._rebuild_sparse_tensor",
      "torch._utils._rebuild_meta_tensor_no_storage",
      "torch._utils._rebuild_nested_tensor",
      "torch._tensor._rebuild_from_type_v2",
      "torch.nn.parameter.Parameter",
      "torch.nn.Parameter",
      "torch.Tensor",
      "torch.Size",
      "torch.device",
      "torch.UntypedStorage",
      "torch.storage.UntypedStorage",
      "torch.DoubleStorage",
      "torch.FloatStorage",
      "torch.HalfStorage",
      "torch.BFloat16Storage",
      "torch.LongStorage",
      "torch.IntStorage",
      "torch.ShortStorage",
      "torch.CharStorage",
      "torch.ByteStorage",
      "torch.BoolStorage",
      "torch.ComplexDoubleStorage",
      "torch.ComplexFloatStorage",
      "torch.QUInt8Storage",
      "torch.QInt8Storage",
      "torch.QInt32Storage",
      "torch.QUInt4x2Storage",
      "torch.QUInt2x4Storage",
      "torch.float16",
      "torch.float32",
      "torch.float64",
      "torch.bfloat16",
      "torch.half",
      "torch.float",
      "torch.double",
      "torch.uint8",
      "torch.uint16",
      "torch.uint32",
      "torch.uint64",
      "torch.int8",
      "torch.int16",
      "torch.int32",
      "torch.int64",
      "torch.bool",
      "torch.complex64",
      "torch.complex128",
      "torch.float8_e4m3fn",
      "torch.float8_e5m2",
      "torch.float8_e4m3fnuz",
      "torch.float8_e5m2fnuz",
      "torch.strided",
      "torch.sparse_coo",
      "torch.contiguous_format",
      "torch.channels_last",
      "torch.preserve_format",
      "_codecs.encode",
      "builtins.bytearray",
      "builtins.set",
      "builtins.frozenset",
      "builtins.complex",
  };
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

const std::vector<std::string_view>& allowed_pickle_imports() {
  static const std::vector<std::string_view> names = make_allowlist();
  return names;
}

bool is_allowed_pickle_import(std::string_view qualified) {
  const auto& names = allowed_pickle_imports();
  return std::binary_search(names.begin(), names.end(), qualified);
}

}  // namespace mirrord
