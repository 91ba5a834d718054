#pragma once
// The dashboard's static files (its page, scripts, styles and the chart library), read once from
// the folder installed beside the plugin and served from memory.

#include <map>
#include <optional>
#include <string>

namespace zaplify::dashboard {

/// One file ready to send: its bytes (gzip-encoded when `gzip` is true) and its content type.
struct Asset {
  const std::string* body = nullptr;  ///< Owned by the AssetStore; valid while it lives.
  std::string content_type;
  bool gzip = false;
};

/// Immutable after load(): safe to read from any number of threads.
class AssetStore {
 public:
  /// Reads every regular file of `dir` whose name is a plain file name ([A-Za-z0-9._-], no
  /// leading dot). `NAME.gz` beside `NAME` is kept as NAME's gzip variant. Throws
  /// std::runtime_error naming the folder when it is missing or holds no `index.html`.
  static AssetStore load(const std::string& dir);

  /// The file named `name`, or nullopt for any other name: requests never reach the file system.
  /// `accepts_gzip`: the client sent `Accept-Encoding` with gzip.
  std::optional<Asset> find(const std::string& name, bool accepts_gzip) const;

  std::size_t size() const { return plain_.size(); }

 private:
  std::map<std::string, std::string> plain_;
  std::map<std::string, std::string> gzipped_;
};

/// The content type for a file name, by its extension (application/octet-stream when unknown).
std::string content_type_for(const std::string& name);

/// True when an Accept-Encoding header value allows gzip (and does not refuse it with q=0).
bool accepts_gzip(const std::string& accept_encoding);

}  // namespace zaplify::dashboard
