#pragma once
// Loopback ports for helper servers that must be told a port up front (PostgreSQL, redis-server).
// The analytics server itself never needs one: it is started on port 0 (server_launch.h).

#include <cstdint>

namespace zaplify::testing {

/// A port on 127.0.0.1 that was free a moment ago (bound to 0, read back, released). Another
/// process may take it before the caller binds it: a caller that can, checks that the process
/// answering on it is its own (RedisProcess does).
std::uint16_t free_port();

}  // namespace zaplify::testing
