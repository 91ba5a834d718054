#pragma once
// One client connection on the Pistache transport: the bytes not yet framed and the order of the
// answers. The host frames requests itself (http/framing.h) instead of Pistache's parser, which
// drops pipelined requests, throws on a bad Content-Length and never closes on
// `Connection: close` (docs/architecture.md, "HTTP framing").
//
// Requests of one connection run one at a time, in arrival order: the next one is framed when the
// previous answer has been handed to the transport, so pipelined requests are each answered once,
// in order. Thread-safe: bytes arrive on the connection's reactor thread; answers come from any
// thread (a worker's answer frames and dispatches the next request on that worker).

#include <pistache/http.h>
#include <pistache/peer.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "http/framing.h"

namespace zaplify::core {

/// Answers handed to the transport and not yet written, over every connection of one server. The
/// reactors drop writes still queued when they stop, so a draining server waits for none (a
/// connection that goes away gives back what it still had).
using UnwrittenAnswers = std::atomic<int>;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  /// Receives each framed request (or framing error) of the connection; it must lead to exactly
  /// one respond() or answered() call, from any thread, now or later.
  using Dispatch = std::function<void(const std::shared_ptr<Connection>&, Frame)>;

  /// REQUIRES: on the peer's reactor thread; `transport` and `handler` outlive the connection.
  Connection(const std::shared_ptr<Pistache::Tcp::Peer>& peer, Pistache::Tcp::Transport* transport,
             Pistache::Http::Handler* handler, FramingLimits limits,
             std::shared_ptr<const Dispatch> dispatch, std::shared_ptr<UnwrittenAnswers> unwritten);

  /// The connection of `peer`, made on its first bytes. REQUIRES: on the reactor thread.
  static std::shared_ptr<Connection> of(const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                                        Pistache::Tcp::Transport* transport,
                                        Pistache::Http::Handler* handler,
                                        const FramingLimits& limits,
                                        const std::shared_ptr<const Dispatch>& dispatch,
                                        const std::shared_ptr<UnwrittenAnswers>& unwritten);
  /// The connection `peer` already has, or null. REQUIRES: on the reactor thread.
  static std::shared_ptr<Connection> find(const std::shared_ptr<Pistache::Tcp::Peer>& peer);

  /// Bytes read from the socket. REQUIRES: on the reactor thread.
  void on_bytes(const char* data, std::size_t len);
  /// The peer went away (Pistache closes the socket right after). REQUIRES: on the reactor thread.
  void on_closed();

  /// Answers the current request with `bytes` (a whole response), then closes the connection once
  /// they are written when `keep_alive` is false. Any thread; once per dispatched request.
  void respond(std::string bytes, bool keep_alive);
  /// A Pistache writer on this connection, for answers Pistache writes itself (serveFile).
  Pistache::Http::ResponseWriter writer();
  /// Records that the current answer was handed to the transport (`written` resolves when it is
  /// out); `keep` lives until then. With `in_pieces` (serveFile queues the file only after the
  /// head is written), the next pipelined request waits until `written` resolves, so no other
  /// answer slips between the pieces. Any thread; once per dispatched request.
  void answered(Pistache::Async::Promise<ssize_t> written, bool keep_alive,
                std::shared_ptr<void> keep = {}, bool in_pieces = false);

 private:
  void pump();
  void release(bool close);
  void close_after_write();
  void written();
  void refresh_idle_clock();

  std::weak_ptr<Pistache::Tcp::Peer> peer_;
  Pistache::Tcp::Transport* transport_;
  Pistache::Http::Handler* handler_;
  FramingLimits limits_;
  std::shared_ptr<const Dispatch> dispatch_;
  std::shared_ptr<UnwrittenAnswers> unwritten_;

  std::mutex mutex_;
  std::string inbox_;           ///< Bytes received and not yet framed.
  bool busy_ = false;           ///< A request is dispatched and not yet answered.
  bool pumping_ = false;        ///< Some thread is framing and dispatching (see pump()).
  bool closing_ = false;        ///< No more requests: the connection closes after the answer.
  bool gone_ = false;           ///< The peer disconnected.
  bool continue_sent_ = false;  ///< "100 Continue" already sent for the request being received.
  int unwritten_here_ = 0;      ///< This connection's share of *unwritten_.
  std::chrono::steady_clock::time_point idle_clock_reset_{};  ///< Reactor thread only.
};

}  // namespace zaplify::core
