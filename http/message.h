// Request and Response as the dialects see them: plain values, no Beast types, so that dialect
// code and tests compile without the heavy HTTP templates.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fg::http {

struct Request {
  std::string method;  // upper-case, as sent: "GET", "POST", …
  std::string path;    // the target before '?', still percent-encoded
  std::string query;   // the target after '?', without it
  // Names lower-cased. In the order sent, except that lines with one name are kept together.
  // The header only: the trailer fields of a chunked body are never here.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The client's address as the server counts its connections (an IPv6 client by its /64
  // prefix), for limits per address (login throttling); "" where no socket is involved (tests).
  std::string client;
  // Values of the route's {name} segments, in pattern order, percent-decoded.
  std::vector<std::pair<std::string, std::string>> path_params;

  // The first header with this name (case-insensitive); nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
  // How many headers have this name (case-insensitive).
  int HeaderCount(std::string_view name) const;
};

struct Response {
  // How a dialect's answer went, whatever its HTTP status: vendors answer most errors with HTTP
  // 200 and a code in the body, so /metrics counts answers by (dialect, outcome) too.
  enum class Outcome {
    kUnset,        // not a dialect's answer (or it did not say): counted by HTTP class only
    kOk,           // the call did what was asked
    kClientError,  // refused because of the request (auth, parameters, rules, limits)
    kServerError,  // failed on our side (storage, shutting down)
  };

  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // one line each; may repeat
  // The dialect that answered, e.g. "netease"; must outlive the server (use a string literal).
  // Counted only together with an outcome.
  std::string_view dialect;
  Outcome outcome = Outcome::kUnset;
};

// Sends the response. Call exactly once, from any thread.
using Responder = std::function<void(Response)>;
// Handles one request. May answer before returning or later from another thread.
using Handler = std::function<void(const Request&, Responder)>;

// A plain-text error, for failures before any dialect is known.
Response PlainError(int status, std::string_view message);

}  // namespace fg::http
