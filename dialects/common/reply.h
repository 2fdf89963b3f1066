// Answers core results in a dialect's envelope, so that a handler reads
//
//   service.Delete(app, std::move(args), kit::Reply(std::move(respond), envelope));
//   service.CreateUser(app, std::move(user), kit::Reply(std::move(respond), envelope,
//                                                       [](const User& u) { return …; }));
//
// and never writes the error path by hand.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>
#include <utility>

#include "base/status.h"
#include "http/message.h"

namespace fg::kit {

// What a dialect supplies: a cheap copyable value (often empty; Easemob's carries the request's
// path and start time) with
//   dialect()  its name for log lines and /metrics, e.g. "netease" (a string with static storage);
//   Ok()       the answer to a success that has nothing to show;
//   Error(s)   the answer to a non-ok Status, mapped through the dialect's ErrorTable. The
//              message of `s` is fit to show the client (ErrorResponse below sees to it).
// The functions must be callable from any thread.
template <typename E>
concept Envelope = std::copy_constructible<E> && requires(const E& e, const Status& s) {
  { e.dialect() } -> std::convertible_to<std::string_view>;
  { e.Ok() } -> std::same_as<http::Response>;
  { e.Error(s) } -> std::same_as<http::Response>;
};

// The status to show the client for `status`. A kInternal failure (storage) is logged at error
// level with the dialect's name and the status (never the request, its credentials or tokens),
// and shown as "server error": its message may describe the server's insides. Other codes are
// the client's doing and pass unchanged, unlogged. Thread-safe.
Status Presentable(std::string_view dialect, const Status& status);

// Names the dialect and the outcome on `response` for /metrics, unless the envelope did:
// storage failures and shutting down are ours, every other failure the client's.
template <Envelope E>
http::Response Counted(const E& envelope, http::Response response, Code code) {
  if (response.outcome != http::Response::Outcome::kUnset) return response;
  response.dialect = envelope.dialect();
  using Outcome = http::Response::Outcome;
  response.outcome = code == Code::kOk ? Outcome::kOk
                     : code == Code::kInternal || code == Code::kUnavailable
                         ? Outcome::kServerError
                         : Outcome::kClientError;
  return response;
}

// The envelope's answer to a failure. REQUIRES: !status.ok().
template <Envelope E>
http::Response ErrorResponse(const E& envelope, const Status& status) {
  return Counted(envelope, envelope.Error(Presentable(envelope.dialect(), status)), status.code());
}

// A completion for any core Callback<T>: answers envelope.Ok() on success, else ErrorResponse.
// Calls `respond` exactly once, on the thread that completes it.
template <Envelope E>
auto Reply(http::Responder respond, E envelope) {
  return [respond = std::move(respond), envelope = std::move(envelope)](auto result) {
    respond(result.ok() ? Counted(envelope, envelope.Ok(), Code::kOk)
                        : ErrorResponse(envelope, result.status()));
  };
}

// The same, answering encode(value) on success. `encode` takes the core value (const T&) and
// returns the http::Response; it must be copyable.
template <Envelope E, typename Encode>
auto Reply(http::Responder respond, E envelope, Encode encode) {
  return [respond = std::move(respond), envelope = std::move(envelope),
          encode = std::move(encode)](auto result) {
    if (!result.ok()) return respond(ErrorResponse(envelope, result.status()));
    respond(Counted(envelope, encode(std::as_const(result.value())), Code::kOk));
  };
}

}  // namespace fg::kit
