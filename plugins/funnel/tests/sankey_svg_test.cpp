// The SVG must be well-formed XML (checked by a tiny parser here, and by xmllint when installed),
// have one <path> per link, and escape stage names.

#include "sankey_svg.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace zaplify::funnel {
namespace {

// A minimal well-formedness check: balanced tags, quoted attributes, known entities, no stray
// '<' or '&'. Returns "" when fine, else what went wrong. Counts start tags per name.
std::string check_xml(const std::string& doc, std::map<std::string, int>& tags) {
  std::vector<std::string> open;
  std::size_t i = 0;
  auto check_entities = [](std::string_view text) -> bool {
    for (std::size_t p = text.find('&'); p != std::string_view::npos; p = text.find('&', p + 1)) {
      const auto semi = text.find(';', p);
      if (semi == std::string_view::npos) return false;
      const auto name = text.substr(p + 1, semi - p - 1);
      if (name != "amp" && name != "lt" && name != "gt" && name != "quot" && name != "apos")
        return false;
    }
    return true;
  };
  if (doc.rfind("<?xml", 0) == 0) i = doc.find("?>") + 2;
  bool root_seen = false;
  while (i < doc.size()) {
    const auto lt = doc.find('<', i);
    const auto text =
        std::string_view(doc).substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    if (!check_entities(text) || text.find('>') != std::string_view::npos)
      return "bad text: " + std::string(text);
    if (open.empty() && root_seen && text.find_first_not_of(" \n\r\t") != std::string_view::npos)
      return "text after root";
    if (lt == std::string::npos) break;
    const auto gt = doc.find('>', lt);
    if (gt == std::string::npos) return "unterminated tag";
    std::string tag = doc.substr(lt + 1, gt - lt - 1);
    if (tag.find('<') != std::string::npos) return "'<' inside a tag";
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1))
        return "mismatched </" + tag.substr(1) + ">";
      open.pop_back();
    } else {
      if (open.empty() && root_seen) return "second root";
      const bool self_closing = tag.back() == '/';
      if (self_closing) tag.pop_back();
      const auto name = tag.substr(0, tag.find_first_of(" \n\t"));
      // Attributes: name="value" pairs, values without '<' and with valid entities.
      std::size_t p = name.size();
      while (true) {
        p = tag.find_first_not_of(" \n\t", p);
        if (p == std::string::npos) break;
        const auto eq = tag.find('=', p);
        if (eq == std::string::npos || tag[eq + 1] != '"') return "unquoted attribute in <" + name;
        const auto end = tag.find('"', eq + 2);
        if (end == std::string::npos) return "unterminated attribute in <" + name;
        if (!check_entities(std::string_view(tag).substr(eq + 2, end - eq - 2)))
          return "bad entity";
        p = end + 1;
      }
      ++tags[name];
      root_seen = true;
      if (!self_closing) open.push_back(name);
    }
    i = gt + 1;
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return root_seen ? "" : "no root";
}

ScanResult flow_with_regression() {
  // Stages A, B, "C <&> 'x'": A→B 5, B→C 3, B→A 2 (regression), A→exit 2, B→exit 2, entries A 7.
  ScanResult s;
  s.stage_count = 3;
  s.links.assign(16, 0);
  auto set = [&](std::size_t a, std::size_t b, std::int64_t v) { s.links[a * 4 + b] = v; };
  set(0, 1, 5);
  set(1, 2, 3);
  set(1, 0, 2);
  set(0, 3, 2);
  set(1, 3, 2);
  s.entries = {7, 0, 0};
  s.reached = {7, 5, 3};
  return s;
}

TEST(SankeySvg, EscapesText) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y")), "x\xEF\xBF\xBDy");
}

TEST(SankeySvg, WellFormedWithOnePathPerLink) {
  FunnelDefinition def{"f1", "Sales & <Co>", {"A", "B", "C <&> 'x'"}, 0};
  const auto scan = flow_with_regression();
  const std::string svg = render_sankey_svg(def, scan);
  std::map<std::string, int> tags;
  EXPECT_EQ(check_xml(svg, tags), "") << svg;
  EXPECT_EQ(tags["svg"], 1);
  EXPECT_EQ(tags["path"], 5);      // the five non-zero links
  EXPECT_EQ(tags["rect"], 1 + 4);  // background + 3 stages + (exit)
  EXPECT_NE(svg.find("C &lt;&amp;&gt; &apos;x&apos;"), std::string::npos);
  EXPECT_EQ(svg.find("C <&>"), std::string::npos);
  // The regression is the one dashed path.
  std::size_t dashed = 0;
  for (auto p = svg.find("stroke-dasharray"); p != std::string::npos;
       p = svg.find("stroke-dasharray", p + 1))
    ++dashed;
  EXPECT_EQ(dashed, 1u);

  // Band widths are proportional to leads: A→B (5) is 2.5× B→A (2).
  auto width_of = [&](const std::string& title) {
    const auto t = svg.find(title);
    const auto w = svg.rfind("stroke-width=\"", t);
    return std::stod(svg.substr(w + 14));
  };
  EXPECT_NEAR(width_of("A \xE2\x86\x92 B: 5 leads") / width_of("B \xE2\x86\x92 A: 2 leads"), 2.5,
              0.05);

  if (std::system("xmllint --version >/dev/null 2>&1") == 0) {
    const std::string path = ::testing::TempDir() + "funnel_flow.svg";
    std::ofstream(path) << svg;
    EXPECT_EQ(std::system(("xmllint --noout " + path).c_str()), 0);
    std::remove(path.c_str());
  }
}

TEST(SankeySvg, EmptyFlowStillRenders) {
  FunnelDefinition def{"f1", "Empty", {"Only"}, 0};
  ScanResult s;
  s.stage_count = 1;
  s.links.assign(4, 0);
  s.entries = {0};
  std::map<std::string, int> tags;
  const auto svg = render_sankey_svg(def, s);
  EXPECT_EQ(check_xml(svg, tags), "") << svg;
  EXPECT_EQ(tags["path"], 0);
  EXPECT_NE(svg.find("No stage changes"), std::string::npos);
}

}  // namespace
}  // namespace zaplify::funnel
