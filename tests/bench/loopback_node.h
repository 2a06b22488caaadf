// The node a front-door load driver measures: gRPC and HTTP on free loopback
// ports, in `data_dir`, with no per-call log lines to skew the timing.
#ifndef SKP_TESTS_BENCH_LOOPBACK_NODE_H_
#define SKP_TESTS_BENCH_LOOPBACK_NODE_H_

#include <cstdio>
#include <memory>
#include <string>

#include "services/passportd/node.h"

namespace skp::testing {

struct LoopbackNode {
  services::NodeOptions options;
  std::unique_ptr<services::Node> node;
  std::string grpc_address;  // 127.0.0.1:PORT
};

// Null (with the reason on stderr) if the node does not start.
inline std::unique_ptr<LoopbackNode> StartLoopbackNode(
    const std::string& data_dir) {
  auto started = std::make_unique<LoopbackNode>();
  started->options.data_dir = data_dir;
  started->options.listen = "127.0.0.1:0";
  started->options.http_listen = "127.0.0.1:0";
  started->options.request_log = false;
  auto node = services::Node::Start(started->options);
  if (!node.ok()) {
    std::fprintf(stderr, "%s\n", node.status().ToString().c_str());
    return nullptr;
  }
  started->node = *std::move(node);
  started->grpc_address = "127.0.0.1:" + std::to_string(started->node->port());
  return started;
}

}  // namespace skp::testing

#endif  // SKP_TESTS_BENCH_LOOPBACK_NODE_H_
