#include "services/gateway/tiles.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "ledger/tiles.h"

namespace skp::services {
namespace {

// A tile's bytes never change: a full tile is final, and a partial tile's
// path names its width, so it is the same prefix in every later tree.
constexpr char kImmutable[] = "public, max-age=31536000, immutable";
// The checkpoint moves on with every commit.
constexpr char kCheckpointCaching[] = "no-cache";
// A tile missing today may exist tomorrow.
constexpr char kErrorCaching[] = "no-store";

TlogAnswer Error(const absl::Status& status) {
  int http_status = 500;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      http_status = 400;
      break;
    case absl::StatusCode::kNotFound:
      http_status = 404;
      break;
    default:
      break;
  }
  return {http_status, "text/plain; charset=utf-8", kErrorCaching,
          absl::StrCat(status.message(), "\n")};
}

}  // namespace

TlogAnswer ServeTlog(const TlogFinder& find, absl::string_view path) {
  absl::ConsumePrefix(&path, kTlogPrefix);
  // An origin may hold slashes: the longest held log whose origin the path
  // starts with names the log, and the rest the resource.
  const ledger::PublishedTree* tree = nullptr;
  absl::string_view resource;
  for (size_t slash = path.rfind('/'); slash != 0 && slash != path.npos;
       slash = path.rfind('/', slash - 1)) {
    tree = find(path.substr(0, slash));
    if (tree != nullptr) {
      resource = path.substr(slash + 1);
      break;
    }
  }
  if (tree == nullptr) {
    return Error(absl::NotFoundError(
        absl::StrCat("this node holds no log at ", kTlogPrefix, path)));
  }
  // One snapshot: every tile is read from the tree this checkpoint signs.
  ledger::LogHead head = tree->Head();
  if (resource == "checkpoint") {
    if (head.checkpoint.empty()) {
      return Error(absl::NotFoundError(
          absl::StrCat("no checkpoint of ", tree->origin(), " yet")));
    }
    return {200, "text/plain; charset=utf-8", kCheckpointCaching,
            std::move(head.checkpoint)};
  }
  absl::StatusOr<ledger::TileId> tile = ledger::ParseTilePath(resource);
  if (!tile.ok()) return Error(tile.status());
  absl::StatusOr<std::string> bytes = tree->ReadTile(*tile, head.size);
  if (!bytes.ok()) return Error(bytes.status());
  return {200, "application/octet-stream", kImmutable, *std::move(bytes)};
}

}  // namespace skp::services
