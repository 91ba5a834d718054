#include "asset_store.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace zaplify::dashboard {
namespace {

namespace fs = std::filesystem;

bool plain_file_name(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("dashboard: cannot read " + path.string());
  std::ostringstream body;
  body << in.rdbuf();
  return body.str();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

AssetStore AssetStore::load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error("dashboard: assets folder " + dir +
                             " is missing (build the dashboard target)");
  AssetStore store;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || !plain_file_name(name)) continue;
    if (ends_with(name, ".gz"))
      store.gzipped_[name.substr(0, name.size() - 3)] = read_file(entry.path());
    else
      store.plain_[name] = read_file(entry.path());
  }
  if (!store.plain_.count("index.html"))
    throw std::runtime_error("dashboard: " + dir + " has no index.html");
  return store;
}

std::optional<Asset> AssetStore::find(const std::string& name, bool gzip_ok) const {
  auto plain = plain_.find(name);
  if (plain == plain_.end()) return std::nullopt;
  Asset asset{&plain->second, content_type_for(name), false};
  if (gzip_ok) {
    auto packed = gzipped_.find(name);
    if (packed != gzipped_.end() && packed->second.size() < plain->second.size()) {
      asset.body = &packed->second;
      asset.gzip = true;
    }
  }
  return asset;
}

std::string content_type_for(const std::string& name) {
  static const std::pair<const char*, const char*> types[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : types)
    if (ends_with(name, ext)) return type;
  return "application/octet-stream";
}

bool accepts_gzip(const std::string& accept_encoding) {
  std::string value = lower(accept_encoding);
  std::istringstream items(value);
  std::string item;
  while (std::getline(items, item, ',')) {
    auto semi = item.find(';');
    std::string coding = item.substr(0, semi);
    coding.erase(std::remove_if(coding.begin(), coding.end(), ::isspace), coding.end());
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string::npos) return true;
    std::string params = item.substr(semi + 1);
    params.erase(std::remove_if(params.begin(), params.end(), ::isspace), params.end());
    if (params.rfind("q=", 0) != 0) return true;
    return std::strtod(params.c_str() + 2, nullptr) > 0.0;
  }
  return false;
}

}  // namespace zaplify::dashboard
