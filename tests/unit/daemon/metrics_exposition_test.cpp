// The Prometheus text format written by Exposition and Metrics, read back by a strict checker
// written here (not a library): every line is a HELP, a TYPE or a sample; every sample belongs to
// a family declared before it with one HELP and one TYPE; label values unescape to what was
// written; no series appears twice.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "daemon/metrics/exposition.hpp"
#include "daemon/metrics/metrics.hpp"

namespace mirrord::metrics {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

struct Parsed {
  std::map<std::string, std::string> help;  // family -> unescaped help
  std::map<std::string, std::string> type;  // family -> type
  std::vector<Sample> samples;
};

bool is_name_char(char c, bool first) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return letter || (!first && c >= '0' && c <= '9');
}

// Reads a metric or label name at `pos`.
std::string read_name(const std::string& line, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < line.size() && is_name_char(line[pos], pos == start))
    ++pos;
  if (pos == start)
    throw std::runtime_error("expected a name at column " + std::to_string(start) + ": " + line);
  return line.substr(start, pos - start);
}

std::string read_quoted(const std::string& line, std::size_t& pos) {
  if (line[pos] != '"')
    throw std::runtime_error("expected '\"': " + line);
  std::string value;
  for (++pos; pos < line.size() && line[pos] != '"'; ++pos) {
    if (line[pos] != '\\') {
      value += line[pos];
      continue;
    }
    const char escaped = pos + 1 < line.size() ? line[++pos] : '\0';
    if (escaped == 'n')
      value += '\n';
    else if (escaped == '\\' || escaped == '"')
      value += escaped;
    else
      throw std::runtime_error("bad escape in: " + line);
  }
  if (pos >= line.size())
    throw std::runtime_error("unterminated label value: " + line);
  ++pos;
  return value;
}

std::string unescape_help(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    const char escaped = i + 1 < text.size() ? text[++i] : '\0';
    if (escaped == 'n')
      out += '\n';
    else if (escaped == '\\')
      out += '\\';
    else
      throw std::runtime_error("bad escape in HELP: " + text);
  }
  return out;
}

void parse_comment(const std::string& line, Parsed& parsed) {
  std::size_t pos = 2;
  const bool help = line.compare(0, 7, "# HELP ") == 0;
  const bool type = line.compare(0, 7, "# TYPE ") == 0;
  if (!help && !type)
    throw std::runtime_error("unknown comment: " + line);
  pos = 7;
  const std::string name = read_name(line, pos);
  if (pos >= line.size() || line[pos] != ' ')
    throw std::runtime_error("expected a space after the name: " + line);
  const std::string rest = line.substr(pos + 1);
  auto& table = help ? parsed.help : parsed.type;
  if (table.count(name))
    throw std::runtime_error("second HELP/TYPE for " + name);
  if (type && rest != "counter" && rest != "gauge")
    throw std::runtime_error("unknown type: " + line);
  if (type && std::any_of(parsed.samples.begin(), parsed.samples.end(),
                          [&](const Sample& s) { return s.name == name; }))
    throw std::runtime_error("TYPE after samples of " + name);
  table[name] = help ? unescape_help(rest) : rest;
}

Sample parse_sample(const std::string& line, const Parsed& parsed) {
  Sample sample;
  std::size_t pos = 0;
  sample.name = read_name(line, pos);
  if (!parsed.type.count(sample.name) || !parsed.help.count(sample.name))
    throw std::runtime_error("sample before its HELP and TYPE: " + line);
  if (line[pos] == '{') {
    for (++pos; line[pos] != '}';) {
      const std::string label = read_name(line, pos);
      if (line[pos++] != '=')
        throw std::runtime_error("expected '=': " + line);
      if (!sample.labels.emplace(label, read_quoted(line, pos)).second)
        throw std::runtime_error("label twice: " + line);
      if (line[pos] == ',')
        ++pos;
      else if (line[pos] != '}')
        throw std::runtime_error("expected ',' or '}': " + line);
    }
    ++pos;
  }
  if (line[pos++] != ' ')
    throw std::runtime_error("expected a space before the value: " + line);
  sample.value = line.substr(pos);
  std::size_t used = 0;
  try {
    (void)std::stod(sample.value, &used);
  } catch (const std::logic_error&) {
    used = 0;  // not a number at all
  }
  if (used == 0 || used != sample.value.size())
    throw std::runtime_error("bad value: " + line);
  return sample;
}

Parsed parse_strictly(const std::string& text) {
  if (text.empty() || text.back() != '\n')
    throw std::runtime_error("the text must end with a line feed");
  Parsed parsed;
  std::set<std::string> series;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty())
      throw std::runtime_error("empty line");
    if (line[0] == '#') {
      parse_comment(line, parsed);
      continue;
    }
    Sample sample = parse_sample(line, parsed);
    std::string key = sample.name;
    for (const auto& [name, value] : sample.labels)
      key += "\x01" + name + "\x02" + value;
    if (!series.insert(key).second)
      throw std::runtime_error("series twice: " + line);
    parsed.samples.push_back(std::move(sample));
  }
  return parsed;
}

const Sample* find_sample(const Parsed& parsed, const std::string& name,
                          const std::map<std::string, std::string>& labels) {
  for (const Sample& sample : parsed.samples)
    if (sample.name == name && sample.labels == labels)
      return &sample;
  return nullptr;
}

TEST(ExpositionTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_help("say \"hi\"\\\nnext"), "say \"hi\"\\\\\\nnext");
}

TEST(ExpositionTest, WritesHelpTypeAndSamplesThatParseBack) {
  Exposition out;
  out.family("x_total", "counter", "Things.\nSecond line \\ here.");
  out.sample("x_total", {{"target", "evil\"} 1\nx_total{a=\"b"}, {"k", "v"}}, std::uint64_t{7});
  out.sample("x_total", {}, std::uint64_t{3});
  out.family("y_seconds", "gauge", "When.");
  out.sample("y_seconds", {{"t", "a\\b"}}, std::int64_t{-5});
  EXPECT_EQ(out.text().rfind("# HELP x_total Things.\\nSecond line \\\\ here.\n"
                             "# TYPE x_total counter\n",
                             0),
            0u);
  const Parsed parsed = parse_strictly(out.text());
  EXPECT_EQ(parsed.help.at("x_total"), "Things.\nSecond line \\ here.");
  EXPECT_EQ(parsed.type.at("y_seconds"), "gauge");
  ASSERT_EQ(parsed.samples.size(), 3u) << "a hostile value must not forge a sample";
  const Sample* hostile =
      find_sample(parsed, "x_total", {{"target", "evil\"} 1\nx_total{a=\"b"}, {"k", "v"}});
  ASSERT_NE(hostile, nullptr);
  EXPECT_EQ(hostile->value, "7");
  EXPECT_EQ(find_sample(parsed, "y_seconds", {{"t", "a\\b"}})->value, "-5");
}

TEST(ExpositionTest, TheCheckerRejectsBrokenText) {
  EXPECT_THROW(parse_strictly("x 1\n"), std::runtime_error) << "no TYPE";
  EXPECT_THROW(parse_strictly("# HELP x h\n# TYPE x counter\nx{a=\"b} 1\n"), std::runtime_error);
  EXPECT_THROW(parse_strictly("# HELP x h\n# TYPE x counter\nx 1\nx 2\n"), std::runtime_error);
  EXPECT_THROW(parse_strictly("# HELP x h\n# TYPE x counter\nx one\n"), std::runtime_error);
}

TEST(MetricsRouteTest, PathsMapToAFixedSetOfRoutes) {
  EXPECT_EQ(classify_route("/healthz"), Route::kHealth);
  EXPECT_EQ(classify_route("/readyz"), Route::kHealth);
  EXPECT_EQ(classify_route("/metrics"), Route::kMetrics);
  EXPECT_EQ(classify_route("/"), Route::kUi);
  EXPECT_EQ(classify_route("/ui/"), Route::kUi);
  EXPECT_EQ(classify_route("/ui/model/resolve/main/x"), Route::kHfResolve);
  EXPECT_EQ(classify_route("/api/models/a/b"), Route::kHfApi);
  EXPECT_EQ(classify_route("/a/b/resolve/main/x.bin"), Route::kHfResolve);
  EXPECT_EQ(classify_route("/datasets/a/b/resolve/main/x"), Route::kHfResolve);
  EXPECT_EQ(classify_route("/a/b.git/info/refs"), Route::kGit);
  EXPECT_EQ(classify_route("/a/b/info/lfs/objects/batch"), Route::kGit);
  EXPECT_EQ(classify_route("/git/pytorch/HEAD"), Route::kGit);
  EXPECT_EQ(classify_route("/pypi/pypi/simple/requests/"), Route::kPypiSimple);
  EXPECT_EQ(classify_route("/pypi/pypi/files/r/abc/r.whl"), Route::kPypiFiles);
  EXPECT_EQ(classify_route("/apt/debian/dists/bookworm/InRelease"), Route::kApt);
  EXPECT_EQ(classify_route("/no/such"), Route::kOther);
  EXPECT_EQ(classify_route("/%00/../x?y"), Route::kOther);
  EXPECT_EQ(classify_route(""), Route::kOther);
}

TEST(MetricsTest, CountsRequestsBytesPullsAndSyncsIntoParsableText) {
  Metrics metrics;
  metrics.count_request("/a/b/resolve/main/x", 200, 1000);
  metrics.count_request("/a/b/resolve/main/x", 200, 24);
  metrics.count_request("/a/b/resolve/main/missing", 404, 50);
  metrics.count_request("/x", 999, 0);  // out of range: kept in the last bucket, not lost
  metrics.add_upstream_bytes(4096);
  metrics.count_pull(PullResult::kSucceeded);
  metrics.count_pull(PullResult::kFailed);
  metrics.count_verify_failure(VerifyFailure::kDigest);
  metrics.record_sync("qwen \"7b\"", 1700000000);
  metrics.record_sync("qwen \"7b\"", 1600000000);  // older: ignored
  Exposition out;
  metrics.write(out);
  const Parsed parsed = parse_strictly(out.text());
  auto value = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
    const Sample* sample = find_sample(parsed, name, labels);
    return sample ? sample->value : "(missing)";
  };
  EXPECT_EQ(value("mirrord_http_requests_total", {{"route", "hf_resolve"}, {"status", "200"}}),
            "2");
  EXPECT_EQ(value("mirrord_http_requests_total", {{"route", "hf_resolve"}, {"status", "404"}}),
            "1");
  EXPECT_EQ(value("mirrord_http_requests_total", {{"route", "other"}, {"status", "599"}}), "1");
  EXPECT_EQ(value("mirrord_http_response_bytes_total", {{"route", "hf_resolve"}}), "1074");
  EXPECT_EQ(value("mirrord_upstream_bytes_total", {}), "4096");
  EXPECT_EQ(value("mirrord_pulls_total", {{"result", "succeeded"}}), "1");
  EXPECT_EQ(value("mirrord_pulls_total", {{"result", "failed"}}), "1");
  EXPECT_EQ(value("mirrord_pulls_total", {{"result", "cancelled"}}), "0");
  EXPECT_EQ(value("mirrord_verify_failures_total", {{"kind", "digest"}}), "1");
  EXPECT_EQ(value("mirrord_last_sync_timestamp_seconds", {{"target", "qwen \"7b\""}}),
            "1700000000");
  EXPECT_EQ(
      find_sample(parsed, "mirrord_http_requests_total", {{"route", "git"}, {"status", "200"}}),
      nullptr)
      << "series that never counted are left out";
}

}  // namespace
}  // namespace mirrord::metrics
