// Scan throughput of the pickle scanner on a large synthetic weights pickle.
//
// Builds, in memory, a protocol-2 pickle shaped like a torch state_dict (an OrderedDict of
// _rebuild_tensor_v2 calls with persistent storage ids), padded with a long list of small ints and
// short strings until it reaches the requested size, then times scan_pickles over it.
// Usage: pickle_scan_bench [MiB]   (default 256)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include "policies/inspect/pickle_scanner.hpp"

namespace {

using namespace std::string_view_literals;

void append_tensor(std::string& out, int index) {
  const std::string key = std::to_string(index);
  out += "ctorch._utils\n_rebuild_tensor_v2\n"sv;
  out += "((X\x07\x00\x00\x00storage"sv;
  out += "ctorch\nFloatStorage\n"sv;
  out += "X"sv;
  const auto length = static_cast<std::uint32_t>(key.size());
  out.append(reinterpret_cast<const char*>(&length), 4);
  out += key;
  out +=
      "X\x03\x00\x00\x00"
      "cpu"
      "K\x10tQK\x00K\x04K\x04\x86K\x04K\x01\x86\x89"
      "ccollections\nOrderedDict\n)RtR"sv;
}

std::string make_pickle(std::size_t target_bytes) {
  std::string out(
      "\x80\x02"
      "ccollections\nOrderedDict\n)R("sv);
  int index = 0;
  while (out.size() < target_bytes / 2) {
    const std::string name = "model.layers." + std::to_string(index) + ".weight";
    out += "X"sv;
    const auto length = static_cast<std::uint32_t>(name.size());
    out.append(reinterpret_cast<const char*>(&length), 4);
    out += name;
    append_tensor(out, index++);
    if (index % 1000 == 0) {
      out += "u("sv;  // pickle batches SETITEMS by 1000, as CPython's pickler does
    }
  }
  out += "u"sv;
  out += "]"sv;  // then a long list of small ints and short strings
  while (out.size() < target_bytes) {
    out += "(K\x07M\x34\x12U\x05hello"sv;
    out += "e"sv;
  }
  out += "0."sv;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 256;
  const std::string data = make_pickle(mib << 20);
  mirrord::MemoryByteSource source{std::string_view(data)};
  mirrord::ByteReader reader(source);
  // CPU time as well as wall time: on a shared machine the wall clock measures the neighbours.
  const std::clock_t cpu_start = std::clock();
  const auto start = std::chrono::steady_clock::now();
  auto scan = mirrord::scan_pickles(reader);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (!scan) {
    std::fprintf(stderr, "scan refused the synthetic pickle: %s\n", scan.error().message.c_str());
    return 1;
  }
  const double megabytes = static_cast<double>(data.size()) / (1 << 20);
  std::printf(
      "scanned %.1f MiB (%llu opcodes, %zu imports): wall %.3f s (%.1f MiB/s), "
      "cpu %.3f s (%.1f MiB/s)\n",
      megabytes, static_cast<unsigned long long>(scan->opcodes), scan->imports.size(), seconds,
      megabytes / seconds, cpu_seconds, megabytes / cpu_seconds);
  return 0;
}
