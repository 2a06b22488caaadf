// A loopback TCP port free at the time of asking, for tests that must name
// their nodes' addresses before starting them. Header-only; test code.
#ifndef SKP_TESTS_TESTING_FREE_PORT_H_
#define SKP_TESTS_TESTING_FREE_PORT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <set>

namespace skp::testing {

// Never the same port twice in one process: the kernel may hand a closed
// port out again, and gRPC binds with SO_REUSEPORT, so two nodes given the
// same port would both listen on it and share its calls.
inline int FreePort() {
  static std::mutex mu;
  static std::set<int> given;
  std::lock_guard lock(mu);
  for (;;) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    int port = ntohs(addr.sin_port);
    if (given.insert(port).second) return port;
  }
}

}  // namespace skp::testing

#endif  // SKP_TESTS_TESTING_FREE_PORT_H_
