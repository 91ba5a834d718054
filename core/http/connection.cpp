#include "http/connection.h"

#include <sys/socket.h>

#include <pistache/transport.h>

namespace zaplify::core {
namespace Http = Pistache::Http;
namespace Tcp = Pistache::Tcp;

namespace {

constexpr const char* kPeerDataName = "zaplify.connection";
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

Connection::Connection(const std::shared_ptr<Tcp::Peer>& peer, Tcp::Transport* transport,
                       Http::Handler* handler, FramingLimits limits,
                       std::shared_ptr<const Dispatch> dispatch,
                       std::shared_ptr<UnwrittenAnswers> unwritten)
    : peer_(peer),
      transport_(transport),
      handler_(handler),
      limits_(limits),
      dispatch_(std::move(dispatch)),
      unwritten_(std::move(unwritten)) {
  // Pistache's idle check closes an idle peer after the keep-alive timeout, counted from its
  // parser's clock (refresh_idle_clock); a non-idle one would get a text 408 instead.
  peer->setIdle(true);
}

std::shared_ptr<Connection> Connection::of(const std::shared_ptr<Tcp::Peer>& peer,
                                           Tcp::Transport* transport, Http::Handler* handler,
                                           const FramingLimits& limits,
                                           const std::shared_ptr<const Dispatch>& dispatch,
                                           const std::shared_ptr<UnwrittenAnswers>& unwritten) {
  if (auto existing = find(peer)) return existing;
  auto created =
      std::make_shared<Connection>(peer, transport, handler, limits, dispatch, unwritten);
  peer->putData(kPeerDataName, created);
  return created;
}

std::shared_ptr<Connection> Connection::find(const std::shared_ptr<Tcp::Peer>& peer) {
  return std::static_pointer_cast<Connection>(peer->tryGetData(kPeerDataName));
}

void Connection::on_bytes(const char* data, std::size_t len) {
  refresh_idle_clock();
  {
    std::lock_guard lock(mutex_);
    if (closing_ || gone_) return;  // after the last answer: nothing more is read as a request
    inbox_.append(data, len);
    // A client pipelining without reading its answers: bounded like one maximal request.
    if (busy_ && inbox_.size() > limits_.max_body_bytes + limits_.max_head_bytes) {
      inbox_.clear();
      closing_ = true;
      return;
    }
  }
  pump();
}

void Connection::on_closed() {
  std::lock_guard lock(mutex_);
  gone_ = true;
  inbox_.clear();
  unwritten_->fetch_sub(unwritten_here_);  // Pistache may never settle writes to a gone peer
  unwritten_here_ = 0;
}

void Connection::written() {
  std::lock_guard lock(mutex_);
  if (unwritten_here_ == 0) return;  // given back by on_closed()
  --unwritten_here_;
  unwritten_->fetch_sub(1);
}

void Connection::refresh_idle_clock() {
  // Resetting the (otherwise unused) Pistache parser restarts its clock; once a second is enough.
  auto now = std::chrono::steady_clock::now();
  if (now - idle_clock_reset_ < std::chrono::seconds(1)) return;
  idle_clock_reset_ = now;
  if (auto peer = peer_.lock())
    if (auto parser = Http::Handler::getParser(peer)) parser->reset();
}

// Frames and dispatches requests while none is in flight. Whichever thread finds the connection
// free becomes the pumper; an answer given synchronously inside dispatch lets the same loop go on
// (no recursion however many requests are pipelined).
void Connection::pump() {
  std::unique_lock lock(mutex_);
  if (pumping_) return;
  pumping_ = true;
  while (!busy_ && !closing_ && !gone_ && !inbox_.empty()) {
    Frame frame = frame_request(inbox_, limits_);
    if (frame.kind == Frame::Kind::NeedMore) {
      if (frame.expects_continue && !continue_sent_) {
        continue_sent_ = true;
        if (auto peer = peer_.lock())
          peer->send(Pistache::RawBuffer(std::string(kContinue), kContinue.size()));
      }
      break;
    }
    if (frame.kind == Frame::Kind::Error) {
      inbox_.clear();  // the stream cannot be trusted after a framing error
      closing_ = true;
    } else {
      inbox_.erase(0, frame.consumed);
      if (!frame.request.keep_alive) closing_ = true;
    }
    busy_ = true;
    continue_sent_ = false;
    lock.unlock();
    (*dispatch_)(shared_from_this(), std::move(frame));
    lock.lock();
  }
  pumping_ = false;
}

void Connection::respond(std::string bytes, bool keep_alive) {
  auto peer = peer_.lock();
  if (!peer)
    return answered(Pistache::Async::Promise<ssize_t>::rejected(std::runtime_error("peer gone")),
                    false);
  std::size_t size = bytes.size();
  answered(peer->send(Pistache::RawBuffer(std::move(bytes), size)), keep_alive);
}

Http::ResponseWriter Connection::writer() {
  return Http::ResponseWriter(Http::Version::Http11, transport_, handler_, peer_);
}

void Connection::answered(Pistache::Async::Promise<ssize_t> written, bool keep_alive,
                          std::shared_ptr<void> keep, bool in_pieces) {
  auto self = shared_from_this();
  bool close = !keep_alive;
  {
    std::lock_guard lock(mutex_);
    close = close || closing_;  // e.g. a client that pipelined beyond the bound
    if (!gone_) {
      ++unwritten_here_;
      unwritten_->fetch_add(1);
    }
  }
  if (!in_pieces) release(close);
  written.then(
      [self, close, keep, in_pieces](ssize_t) {
        self->written();
        if (in_pieces) self->release(close);
        if (close) self->close_after_write();
      },
      [self, keep, in_pieces](std::exception_ptr) {
        self->written();
        if (in_pieces) self->release(true);
        self->close_after_write();
      });
}

// The current request is answered: frame the next one, unless the connection is closing.
void Connection::release(bool close) {
  {
    std::lock_guard lock(mutex_);
    busy_ = false;
    if (close) closing_ = true;
    if (closing_) return;
  }
  pump();
}

// Runs on the reactor thread (where Pistache resolves writes). shutdown(), not close(): Pistache
// owns the descriptor; it then reads EOF and releases the peer itself. Under the mutex, so it
// never races on_closed() and Pistache's close() of a reused descriptor.
void Connection::close_after_write() {
  std::lock_guard lock(mutex_);
  if (gone_) return;
  if (auto peer = peer_.lock()) ::shutdown(peer->fd(), SHUT_RDWR);
}

}  // namespace zaplify::core
