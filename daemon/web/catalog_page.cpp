#include "daemon/web/catalog_page.hpp"

#include <cstdio>
#include <ctime>
#include <iterator>

#include "daemon/pypi/html_text.hpp"

namespace mirrord::web {
namespace {

// The escaping of PyPI pages: the same five characters, for text and attribute values.
using pypi::escape_html;

constexpr std::string_view kStyle = R"css(
body{font:15px/1.45 system-ui,"DejaVu Sans",sans-serif;margin:0;background:#f6f7f9;color:#1c2330}
header{background:#1f3b5c;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:26px}header p{margin:4px 0 0;color:#d5e2f2}
main{padding:8px 28px 32px}h2{margin:26px 0 8px;font-size:19px;color:#1f3b5c}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{background:#eef1f5;font-size:13px;color:#46505e}
td.name{font-weight:600;font-size:16px;color:#10243b}
tr.use td{border-bottom:2px solid #c9d1db;padding-top:0}
pre{margin:2px 0;padding:6px 9px;background:#0f1b2a;color:#e8f0fa;border-radius:4px;
white-space:pre-wrap;word-break:break-all;font:13px/1.4 "DejaVu Sans Mono",monospace}
code{font-family:"DejaVu Sans Mono",monospace}
p.empty{color:#5b6573;font-style:italic}
)css";

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string utc_time(std::int64_t unix_seconds) {
  if (unix_seconds <= 0)
    return "never";
  const auto when = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&when, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

std::string cell(std::string_view text, std::string_view css_class = "") {
  std::string out = css_class.empty() ? "<td>" : "<td class=\"" + std::string(css_class) + "\">";
  return out + (text.empty() ? "&mdash;" : escape_html(text)) + "</td>";
}

void render_entry(const CatalogEntry& entry, std::string& html) {
  html += "<tr class=\"item\">";
  html += cell(entry.name, "name");
  html += "<td><code>" + escape_html(entry.revision) + "</code><br><small><code>" +
          escape_html(entry.commit.substr(0, 12)) + "</code></small></td>";
  html += "<td title=\"" + std::to_string(entry.bytes) + " bytes\">" +
          escape_html(human_bytes(entry.bytes)) + "<br><small>" + std::to_string(entry.files) +
          " files</small></td>";
  html += cell(entry.licence);
  html += cell(entry.verdict);
  html += cell(utc_time(entry.last_sync));
  html += "</tr>\n<tr class=\"use\"><td colspan=\"6\">";
  for (const std::string& snippet : entry.snippets)
    html += "<pre>" + escape_html(snippet) + "</pre>";
  html += "</td></tr>\n";
}

void render_section(const CatalogSection& section, std::string& html) {
  html += "<section id=\"" + escape_html(section.id) + "\"><h2>" + escape_html(section.title) +
          " (" + std::to_string(section.entries.size()) + ")</h2>\n";
  if (section.entries.empty()) {
    html += "<p class=\"empty\">None mirrored.</p></section>\n";
    return;
  }
  html +=
      "<table><thead><tr><th>Name</th><th>Revision</th><th>Size</th><th>Licence</th>"
      "<th>Verdict</th><th>Last sync</th></tr></thead><tbody>\n";
  for (const CatalogEntry& entry : section.entries)
    render_entry(entry, html);
  html += "</tbody></table></section>\n";
}

bool is_page_path(std::string_view path) {
  return path == "/" || path == "/ui" || path == "/ui/";
}

// The rendered page, kept until the next publish.
class PageCache {
 public:
  PageCache(std::shared_ptr<Catalog> catalog, std::string public_url)
      : catalog_(std::move(catalog)), public_url_(std::move(public_url)) {
    if (auto counting = std::dynamic_pointer_cast<GenerationCatalog>(catalog_))
      generation_ = counting->generation();
  }

  Result<std::string> page() {
    const std::uint64_t generation = generation_ ? generation_->current() : 0;
    {
      std::lock_guard lock(mutex_);
      if (generation_ && has_page_ && generation == page_generation_)
        return page_;
    }
    MIRRORD_TRY_ASSIGN(auto sections, load_catalog_listing(*catalog_, public_url_));
    std::string html = render_catalog_page(sections, public_url_);
    std::lock_guard lock(mutex_);
    // Sampled before the catalog was read: a publish since then leaves this page stale, and
    // the generation it is kept under no longer matches, so the next request renders again.
    page_ = html;
    page_generation_ = generation;
    has_page_ = true;
    return html;
  }

 private:
  std::shared_ptr<Catalog> catalog_;
  std::string public_url_;
  std::shared_ptr<const CatalogGeneration> generation_;
  std::mutex mutex_;
  bool has_page_ = false;
  std::uint64_t page_generation_ = 0;
  std::string page_;
};

http::Response page_response(PageCache& cache) {
  auto page = cache.page();
  if (!page) {
    return http::text_response(500, "catalog unavailable: " + page.error().message + "\n");
  }
  http::Response response = http::text_response(200, std::move(*page), "text/html; charset=utf-8");
  // No script, no outside asset: even an escaping bug could not run code or leak a request.
  response.headers.set("Content-Security-Policy",
                       "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Cache-Control", "no-cache");
  return response;
}

}  // namespace

std::string render_catalog_page(const std::vector<CatalogSection>& sections,
                                const std::string& public_url) {
  std::size_t total = 0;
  for (const CatalogSection& section : sections)
    total += section.entries.size();
  std::string html =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>mirrord catalog</title><style>";
  html.append(kStyle);
  html += "</style></head>\n<body><header><h1>mirrord catalog</h1><p>Mirror at <code>" +
          escape_html(public_url) + "</code> &middot; " + std::to_string(total) +
          " items</p></header>\n<main>\n";
  if (total == 0)
    html += "<p class=\"empty\">Nothing is mirrored yet: <code>mirrorctl pull NAME</code>.</p>\n";
  for (const CatalogSection& section : sections)
    render_section(section, html);
  html += "</main></body></html>\n";
  return html;
}

http::Route make_catalog_page_route(std::shared_ptr<Catalog> catalog, std::string public_url) {
  auto cache = std::make_shared<PageCache>(std::move(catalog), std::move(public_url));
  return [cache](const http::Request& request) -> std::optional<http::Response> {
    if (!is_page_path(request.path))
      return std::nullopt;
    if (request.method != "GET" && request.method != "HEAD") {
      http::Response response = http::json_response(405, R"({"error":"method not allowed"})");
      response.headers.set("Allow", "GET, HEAD");
      return response;
    }
    return page_response(*cache);
  };
}

}  // namespace mirrord::web
