#pragma once
// URL decoding for the request pipeline (query strings, paths).

#include <map>
#include <string>
#include <string_view>

namespace zaplify::core {

/// Percent-decodes `in`; with `plus_is_space`, '+' becomes ' ' (form/query encoding). A '%' not
/// followed by two hex digits is kept as is.
std::string url_decode(std::string_view in, bool plus_is_space);

/// Parses "a=1&b=x%20y" (an optional leading '?' is skipped) into decoded pairs; the last value of
/// a repeated name wins; a name without '=' gets an empty value; empty names are dropped.
std::map<std::string, std::string> parse_query(std::string_view raw);

}  // namespace zaplify::core
