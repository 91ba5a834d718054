#include "sentiment_cues.h"

#include <map>
#include <stdexcept>

namespace zaplify::conversation::cues {
namespace {

struct Lists {
  std::map<std::string, std::vector<std::string>, std::less<>> entries;
  std::map<std::string, StringSet, std::less<>> sets;
  std::uint64_t digest = 1469598103934665603ull;
};

const Lists& lists() {
  static const Lists l = [] {
    Lists out;
    for (const auto& file : embedded_files()) {
      std::string_view content(file.data, file.size);
      auto& entries = out.entries[file.name];
      for (char c : std::string_view(file.name))
        out.digest = (out.digest ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      for (char c : content)
        out.digest = (out.digest ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      while (!content.empty()) {
        const auto nl = content.find('\n');
        std::string_view line = content.substr(0, nl);
        content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
          line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        int words = 0;
        std::string key = Lexicon::fold_entry(line, words);
        if (words > 0) entries.push_back(std::move(key));
      }
      out.sets[file.name] = StringSet(entries.begin(), entries.end());
    }
    return out;
  }();
  return l;
}

}  // namespace

const std::vector<std::string>& entries(std::string_view name) {
  const auto& l = lists();
  const auto it = l.entries.find(name);
  if (it == l.entries.end())
    throw std::logic_error("sentiment cue list not embedded: " + std::string(name));
  return it->second;
}

const StringSet& list(std::string_view name) {
  const auto& l = lists();
  const auto it = l.sets.find(name);
  if (it == l.sets.end())
    throw std::logic_error("sentiment cue list not embedded: " + std::string(name));
  return it->second;
}

std::uint64_t digest() { return lists().digest; }

}  // namespace zaplify::conversation::cues
