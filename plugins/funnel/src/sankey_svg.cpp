#include "sankey_svg.h"

#include <algorithm>
#include <vector>

#include "funnel_report.h"

namespace zaplify::funnel {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 cannot carry C0 controls, not even escaped
        else
          out += c;
    }
  }
  return out;
}

namespace {

constexpr double kMarginX = 40, kTop = 80, kPlotHeight = 360, kNodeWidth = 16;
constexpr double kColumnGap = 180, kLaneGap = 8, kLoop = 28;

struct Node {
  std::string label;
  std::int64_t through = 0;
  double x = 0, y = 0, h = 0;
};

std::string num(double v) { return fixed(v, 1); }

std::string leads_text(std::int64_t n) { return std::to_string(n) + (n == 1 ? " lead" : " leads"); }

// Node sizes and positions: one column per stage, `(exit)` last, centred vertically.
std::vector<Node> layout_nodes(const FunnelDefinition& funnel, const ScanResult& scan,
                               double& scale) {
  const std::size_t n = funnel.stages.size();
  std::vector<Node> nodes(n + 1);
  std::int64_t widest = 0;
  for (std::size_t i = 0; i <= n; ++i) {
    std::int64_t in = i < n ? scan.entries[i] : 0, out = 0;
    for (std::size_t s = 0; s < n; ++s) in += scan.link(s, i);
    if (i < n)
      for (std::size_t t = 0; t <= n; ++t) out += scan.link(i, t);
    nodes[i].label = i < n ? funnel.stages[i] : "(exit)";
    nodes[i].through = std::max(in, out);
    widest = std::max(widest, nodes[i].through);
  }
  scale = widest > 0 ? kPlotHeight / static_cast<double>(widest) : 0.0;
  for (std::size_t i = 0; i <= n; ++i) {
    Node& node = nodes[i];
    node.x = kMarginX + static_cast<double>(i) * kColumnGap;
    node.h = std::max(2.0, static_cast<double>(node.through) * scale);
    node.y = kTop + (kPlotHeight - node.h) / 2.0;
  }
  return nodes;
}

struct LinkGeometry {
  std::size_t source = 0, target = 0;
  std::int64_t value = 0;
  double y0 = 0, y1 = 0, width = 0;
};

// Stacks each link's band on its source's right edge (forward targets first, then backward) and
// on its target's left edge (below the entries: forward sources first, then backward).
std::vector<LinkGeometry> layout_links(const ScanResult& scan, const std::vector<Node>& nodes,
                                       double scale) {
  const std::size_t n = scan.stage_count;
  std::vector<LinkGeometry> links;
  std::vector<double> out_cursor(n + 1), in_cursor(n + 1);
  for (std::size_t i = 0; i <= n; ++i) {
    out_cursor[i] = nodes[i].y;
    in_cursor[i] = nodes[i].y + (i < n ? static_cast<double>(scan.entries[i]) * scale : 0.0);
  }
  auto place_out = [&](std::size_t s, std::size_t t) {
    const std::int64_t v = scan.link(s, t);
    if (v <= 0) return;
    const double w = static_cast<double>(v) * scale;
    links.push_back(LinkGeometry{s, t, v, out_cursor[s] + w / 2, 0, w});
    out_cursor[s] += w;
  };
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t t = s + 1; t <= n; ++t) place_out(s, t);
    for (std::size_t t = 0; t < s; ++t) place_out(s, t);
  }
  auto rank_in = [](const LinkGeometry& l) {
    return l.source < l.target ? l.source : 1000 + l.source;
  };
  std::vector<LinkGeometry*> by_target;
  for (auto& l : links) by_target.push_back(&l);
  std::stable_sort(by_target.begin(), by_target.end(), [&](const auto* a, const auto* b) {
    return a->target != b->target ? a->target < b->target : rank_in(*a) < rank_in(*b);
  });
  for (LinkGeometry* l : by_target) {
    l->y1 = in_cursor[l->target] + l->width / 2;
    in_cursor[l->target] += l->width;
  }
  return links;
}

// Appends " <cmd>x y" to a path. (Building with append also avoids a g++ 12 -Wrestrict false
// positive on `"literal" + std::string` chains.)
void point(std::string& d, const char* cmd, double x, double y) {
  d.append(cmd).append(num(x)).append(" ").append(num(y));
}

std::string link_path(const LinkGeometry& l, const std::vector<Node>& nodes, double& lane_y) {
  const double x0 = nodes[l.source].x + kNodeWidth, x1 = nodes[l.target].x;
  std::string d;
  point(d, "M", x0, l.y0);
  if (l.source < l.target) {
    const double xm = (x0 + x1) / 2;
    point(d, " C", xm, l.y0);
    point(d, " ", xm, l.y1);
    point(d, " ", x1, l.y1);
    return d;
  }
  // A regression loops out to the right, runs left in its own lane below the plot, and comes
  // back up into the earlier stage's left edge.
  const double w = std::max(1.0, l.width);
  const double yb = lane_y + w / 2;
  lane_y += w + kLaneGap;
  point(d, " C", x0 + kLoop, l.y0);
  point(d, " ", x0 + kLoop, yb);
  point(d, " ", x0, yb);
  point(d, " L", x1, yb);
  point(d, " C", x1 - kLoop, yb);
  point(d, " ", x1 - kLoop, l.y1);
  point(d, " ", x1, l.y1);
  return d;
}

std::string link_element(const LinkGeometry& l, const std::vector<Node>& nodes, double& lane_y) {
  const std::size_t n = nodes.size() - 1;
  const bool backward = l.target < l.source;
  const char* style = backward
                          ? "stroke=\"#d62728\" stroke-opacity=\"0.55\" stroke-dasharray=\"6 4\""
                      : l.target == n ? "stroke=\"#9e9e9e\" stroke-opacity=\"0.45\""
                                      : "stroke=\"#4a90d9\" stroke-opacity=\"0.45\"";
  std::string d = link_path(l, nodes, lane_y);
  return "  <path class=\"link" + std::string(backward ? " regression" : "") + "\" d=\"" + d +
         "\" fill=\"none\" " + style + " stroke-width=\"" + num(std::max(1.0, l.width)) +
         "\"><title>" + xml_escape(nodes[l.source].label) + " \xE2\x86\x92 " +
         xml_escape(nodes[l.target].label) + ": " + leads_text(l.value) + "</title></path>\n";
}

std::string node_elements(const std::vector<Node>& nodes, const ScanResult& scan) {
  std::string out;
  const std::size_t n = nodes.size() - 1;
  for (std::size_t i = 0; i <= n; ++i) {
    const Node& node = nodes[i];
    const std::string cx = num(node.x + kNodeWidth / 2);
    out += "  <rect class=\"node\" x=\"" + num(node.x) + "\" y=\"" + num(node.y) + "\" width=\"" +
           num(kNodeWidth) + "\" height=\"" + num(node.h) + "\" fill=\"" +
           (i < n ? "#2c3e50" : "#9e9e9e") + "\"><title>" + xml_escape(node.label) + ": " +
           leads_text(node.through) + "</title></rect>\n";
    out += "  <text x=\"" + cx + "\" y=\"" + num(node.y - 22) +
           "\" text-anchor=\"middle\" font-weight=\"bold\">" + xml_escape(node.label) + "</text>\n";
    std::string count = leads_text(node.through);
    if (i < n && scan.entries[i] > 0 && scan.entries[i] != node.through)
      count += " (" + std::to_string(scan.entries[i]) + " entered here)";
    out += "  <text x=\"" + cx + "\" y=\"" + num(node.y - 8) + "\" text-anchor=\"middle\">" +
           xml_escape(count) + "</text>\n";
  }
  return out;
}

}  // namespace

std::string render_sankey_svg(const FunnelDefinition& funnel, const ScanResult& scan) {
  double scale = 0;
  const auto nodes = layout_nodes(funnel, scan, scale);
  const auto links = layout_links(scan, nodes, scale);
  const std::size_t n = funnel.stages.size();
  const double width = 2 * kMarginX + static_cast<double>(n) * kColumnGap + kNodeWidth + 60;
  double lane_y = kTop + kPlotHeight + 24;
  std::string body;
  bool any_backward = false;
  for (const auto& l : links) {
    body += link_element(l, nodes, lane_y);
    any_backward = any_backward || l.target < l.source;
  }
  body += node_elements(nodes, scan);
  double height = lane_y + 16;
  if (links.empty())
    body += "  <text x=\"" + num(width / 2) + "\" y=\"" + num(kTop + kPlotHeight / 2) +
            "\" text-anchor=\"middle\">No stage changes in this window</text>\n";
  if (any_backward) {
    body += "  <text x=\"" + num(kMarginX) + "\" y=\"" + num(height) +
            "\" fill=\"#d62728\">Dashed red bands below: leads who moved back to an earlier "
            "stage</text>\n";
    height += 16;
  }
  const std::string title = "Conversion flow: " + xml_escape(funnel.name);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " +
         num(height) + "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n  <title>" +
         title +
         "</title>\n  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n  <text x=\"" +
         num(kMarginX) + "\" y=\"28\" font-size=\"16\" font-weight=\"bold\">" + title +
         "</text>\n" + body + "</svg>\n";
}

}  // namespace zaplify::funnel
