#pragma once
#include <string>

namespace zaplify::core {

/// The request id to use: the client's X-Request-ID when it is 1–128 characters of
/// [A-Za-z0-9._:-] (safe to echo and log), else a fresh random 16-hex-digit id.
std::string request_id_from(const std::string& client_value);

}  // namespace zaplify::core
