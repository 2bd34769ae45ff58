#include "daemon/web/catalog_listing.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "daemon/apt/apt_state.hpp"
#include "daemon/git/git_catalog.hpp"
#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/web/client_snippets.hpp"

namespace mirrord::web {
namespace {

using json = nlohmann::json;

enum SectionIndex : std::size_t { kModels, kDatasets, kPackages, kApt, kGit, kSectionCount };

std::vector<CatalogSection> empty_sections() {
  return {{"Models", "models", {}},
          {"Datasets", "datasets", {}},
          {"Python packages", "packages", {}},
          {"apt archives", "apt", {}},
          {"git repositories", "git", {}}};
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items)
    out += (out.empty() ? "" : separator) + item;
  return out;
}

// The components of `suite` in an apt snapshot, from its index paths dists/<suite>/<c>/binary-*.
std::vector<std::string> apt_components(const std::vector<SnapshotFile>& files,
                                        const std::string& suite) {
  const std::string prefix = "dists/" + suite + "/";
  std::set<std::string> found;
  for (const SnapshotFile& file : files) {
    if (file.path.compare(0, prefix.size(), prefix) != 0)
      continue;
    const std::string rest = file.path.substr(prefix.size());
    const auto slash = rest.find('/');
    if (slash != std::string::npos && rest.compare(slash + 1, 7, "binary-") == 0)
      found.insert(rest.substr(0, slash));
  }
  return {found.begin(), found.end()};
}

// One entry per suite of an apt archive: each has its own sources line.
Status add_apt_entries(Catalog& catalog, const CatalogEntry& base_entry,
                       const SnapshotInfo& snapshot, const std::string& public_url,
                       std::vector<CatalogEntry>& out) {
  auto state = apt::state_from_json(snapshot.info_json);
  if (!state) {
    out.push_back(base_entry);  // still listed; without suites there is no sources line
    return {};
  }
  MIRRORD_TRY_ASSIGN(auto files, catalog.list_files(snapshot.id));
  for (const auto& [suite, suite_state] : state->suites) {
    CatalogEntry entry = base_entry;
    entry.name = base_entry.name + " " + suite;
    entry.snippets = apt_snippets(public_url, base_entry.name, suite, apt_components(files, suite),
                                  state->mode == "resign");
    out.push_back(std::move(entry));
  }
  return {};
}

// Which section a repo belongs to, and whether this ref is the one clients are served.
std::optional<SectionIndex> section_of(const RepoSummary& summary) {
  const std::string& kind = summary.repo.kind;
  if (kind == pypi::kRepoKind)
    return summary.ref == pypi::kCurrentRef ? std::optional(kPackages) : std::nullopt;
  if (kind == apt::kAptRepoKind)
    return summary.ref == apt::kCurrentRef ? std::optional(kApt) : std::nullopt;
  if (kind == git::kGitRepoKind)
    return kGit;
  if (kind == "dataset")
    return kDatasets;
  return kModels;
}

void set_snippets(const RepoSummary& summary, const std::string& public_url, CatalogEntry& entry) {
  const std::string& kind = summary.repo.kind;
  const std::string& name = summary.repo.name;
  if (kind == pypi::kRepoKind) {
    const auto slash = name.rfind('/');
    const std::string root = slash == std::string::npos ? name : name.substr(0, slash);
    entry.name = slash == std::string::npos ? name : name.substr(slash + 1);
    entry.snippets = pypi_snippets(public_url, root, entry.name);
  } else if (kind == git::kGitRepoKind) {
    entry.snippets = git_snippets(public_url, name);
  } else if (kind != apt::kAptRepoKind) {
    entry.snippets = hf_snippets(public_url, kind, name, summary.ref);
  }
}

Status add_entry(Catalog& catalog, const RepoSummary& summary, const std::string& public_url,
                 std::vector<CatalogSection>& sections) {
  const auto section = section_of(summary);
  if (!section)
    return {};
  CatalogEntry entry;
  entry.name = summary.repo.name;
  entry.revision = summary.ref;
  entry.commit = summary.commit;
  entry.files = summary.file_count;
  entry.bytes = summary.total_bytes;
  entry.last_sync = summary.published_at;
  MIRRORD_TRY_ASSIGN(auto snapshot, catalog.find_snapshot(summary.repo, summary.commit));
  if (!snapshot)
    return {};  // the ref moved since list_repos: the next render shows the new one
  // Snapshots published before verdicts existed have none; that is not an error.
  const auto trust = catalog.snapshot_trust(snapshot->id);
  const std::string verdict_json = trust ? trust->verdict_json : "{}";
  entry.licence = licence_of(verdict_json, snapshot->info_json);
  entry.verdict = summarize_verdict(verdict_json);
  set_snippets(summary, public_url, entry);
  auto& entries = sections[*section].entries;
  if (*section == kApt)
    return add_apt_entries(catalog, entry, *snapshot, public_url, entries);
  entries.push_back(std::move(entry));
  return {};
}

}  // namespace

std::string summarize_verdict(const std::string& verdict_json) {
  const json verdict = json::parse(verdict_json, nullptr, false);
  if (!verdict.is_object() || verdict.empty())
    return "";
  std::vector<std::string> parts;
  if (const auto counts = verdict.find("counts"); counts != verdict.end() && counts->is_object()) {
    for (const char* status : {"admitted", "refused", "withheld", "released"}) {
      const auto count = counts->find(status);
      if (count != counts->end() && count->is_number_integer() && count->get<long long>() > 0)
        parts.push_back(std::to_string(count->get<long long>()) + " " + status);
    }
  }
  std::string summary = join(parts, ", ");
  const auto signature = verdict.find("signature");
  if (signature != verdict.end() && signature->is_object()) {
    const auto status = signature->find("status");
    if (status != signature->end() && status->is_string())
      summary += (summary.empty() ? "" : "; ") + ("signature: " + status->get<std::string>());
  }
  return summary;
}

std::string licence_of(const std::string& verdict_json, const std::string& info_json) {
  const json verdict = json::parse(verdict_json, nullptr, false);
  if (verdict.is_object()) {
    const auto licence = verdict.find("license");
    if (licence != verdict.end() && licence->is_object()) {
      std::vector<std::string> ids;
      for (const json& id : licence->value("ids", json::array()))
        if (id.is_string())
          ids.push_back(id.get<std::string>());
      if (!ids.empty())
        return join(ids, ", ");
    }
  }
  const json info = json::parse(info_json, nullptr, false);
  if (info.is_object()) {
    const auto licence = info.find("license");
    if (licence != info.end() && licence->is_string())
      return licence->get<std::string>();
  }
  return "";
}

Result<std::vector<CatalogSection>> load_catalog_listing(Catalog& catalog,
                                                         const std::string& public_url) {
  std::vector<CatalogSection> sections = empty_sections();
  MIRRORD_TRY_ASSIGN(auto repos, catalog.list_repos());
  for (const RepoSummary& summary : repos) {
    MIRRORD_TRY(add_entry(catalog, summary, public_url, sections));
  }
  return sections;
}

}  // namespace mirrord::web
