#include "catalog/spec_index.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "core/error.h"
#include "core/file_text.h"

namespace fs = std::filesystem;

namespace sluice {

std::string normalizeSpecPath(const std::string& path) {
  static const std::regex param("\\{[^}/]*\\}");
  return std::regex_replace(path, param, "{}");
}

std::vector<std::string> pathSegments(const std::string& path) {
  std::vector<std::string> out;
  for (size_t at = 0;;) {
    const size_t slash = path.find('/', at);
    out.push_back(path.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
    if (slash == std::string::npos) return out;
    at = slash + 1;
  }
}

namespace {

std::string upperCase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// How well a spec path fits a request path: the number of literal segments that match, or -1
// when it does not fit (a literal differs, a placeholder meets an empty segment, lengths differ).
int fitScore(const std::string& specPath, const std::vector<std::string>& request) {
  const std::vector<std::string> spec = pathSegments(specPath);
  if (spec.size() != request.size()) return -1;
  int literals = 0;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i].find('{') != std::string::npos) {
      if (request[i].empty()) return -1;
    } else if (spec[i] != request[i]) {
      return -1;
    } else {
      ++literals;
    }
  }
  return literals;
}

}  // namespace

std::unique_ptr<SpecIndex> SpecIndex::load(const std::string& fileOrFolder) {
  auto index = std::make_unique<SpecIndex>();
  if (fs::is_directory(fileOrFolder)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fileOrFolder))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) index->addFile(f.string());
  } else {
    index->addFile(fileOrFolder);
  }
  return index;
}

void SpecIndex::addFile(const std::string& path) {
  const auto text = readFileText(path);
  if (!text) throw CatalogError({path, 0, 0}, "cannot open spec file");
  auto doc = std::make_unique<JsonDoc>();
  if (auto err = parseJson(*text, *doc))
    throw CatalogError({path, 0, 0}, "cannot read spec: " + *err);
  const JsonValue* paths = jsonAt(*doc, "/paths");
  if (paths && paths->IsObject()) {
    for (const auto& p : paths->GetObject()) {
      if (!p.value.IsObject()) continue;
      const std::string specPath = p.name.GetString();
      for (const auto& m : p.value.GetObject()) {
        const std::string method = upperCase(m.name.GetString());
        if (method == "PARAMETERS") continue;
        entries_[method + " " + normalizeSpecPath(specPath)] = {doc.get(), &m.value, path, method,
                                                                specPath};
      }
    }
  }
  docs_.push_back(std::move(doc));
}

const SpecIndex::Entry* SpecIndex::find(const std::string& method,
                                        const std::string& pathTemplate) const {
  auto it = entries_.find(upperCase(method) + " " + normalizeSpecPath(pathTemplate));
  return it == entries_.end() ? nullptr : &it->second;
}

const SpecIndex::Entry* SpecIndex::match(const std::string& method,
                                         const std::string& requestPath) const {
  const std::vector<std::string> request = pathSegments(requestPath);
  const std::string wanted = upperCase(method);
  const Entry* best = nullptr;
  int bestScore = -1;
  for (const auto& [key, entry] : entries_) {
    if (entry.method != wanted) continue;
    const int score = fitScore(entry.path, request);
    if (score > bestScore) {
      best = &entry;
      bestScore = score;
    }
  }
  return best;
}

std::vector<std::string> SpecIndex::methodsAt(const std::string& requestPath) const {
  const std::vector<std::string> request = pathSegments(requestPath);
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_)
    if (fitScore(entry.path, request) >= 0 &&
        std::find(out.begin(), out.end(), entry.method) == out.end())
      out.push_back(entry.method);
  return out;
}

}  // namespace sluice
