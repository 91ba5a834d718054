#pragma once
// The conversion flow drawn as a self-contained SVG Sankey diagram (no scripts, no external
// assets), for GET /analytics/funnel/{funnel_id}/conversion-flow?format=svg.
//
// Layout: one column per stage, left to right in stage order, and `(exit)` as the last column.
// A node's height is proportional to its throughput (leads arriving: entries plus incoming links,
// or leaving, whichever is larger). Every link is one <path> whose stroke width is proportional to
// its leads. Forward links are curves from the source's right edge to the target's left edge.
// A backward link (a regression: a lead moving back to an earlier stage) is a dashed red band that
// leaves the later stage's right edge, runs in its own lane below the diagram and re-enters the
// earlier stage from the left, so it never hides behind forward flow.

#include <string>
#include <string_view>

#include "funnel_definition.h"
#include "funnel_scan.h"

namespace zaplify::funnel {

/// Escapes text for XML content and attribute values; characters XML 1.0 cannot carry (C0
/// controls other than tab, LF, CR) become U+FFFD.
std::string xml_escape(std::string_view text);

/// The SVG document (UTF-8, starting with the XML declaration).
std::string render_sankey_svg(const FunnelDefinition& funnel, const ScanResult& scan);

}  // namespace zaplify::funnel
