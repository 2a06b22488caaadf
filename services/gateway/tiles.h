// The logs a node holds (its own and its mirrors of peers' logs), served
// read-only as C2SP tlog-tiles under /tlog/<origin>/ (FORMAT.md section 10):
// the latest signed checkpoint, hash tiles and entry bundles, every tile
// read from the tree of that checkpoint's size. Apart from HTTP: the
// gateway writes the answer out.
#ifndef SKP_SERVICES_GATEWAY_TILES_H_
#define SKP_SERVICES_GATEWAY_TILES_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "ledger/published_tree.h"

namespace skp::services {

inline constexpr absl::string_view kTlogPrefix = "/tlog/";

// The log named `origin` this node holds, or nullptr.
using TlogFinder =
    std::function<const ledger::PublishedTree*(absl::string_view origin)>;

struct TlogAnswer {
  int http_status = 200;
  std::string content_type;
  std::string cache_control;
  std::string body;  // on errors, the reason in plain text
};

// Answers a GET of `path` (decoded, starting with kTlogPrefix).
TlogAnswer ServeTlog(const TlogFinder& find, absl::string_view path);

}  // namespace skp::services

#endif  // SKP_SERVICES_GATEWAY_TILES_H_
