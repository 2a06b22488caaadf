// Runs passportd as a child process on a free loopback port, for crash and
// end-to-end tests. Header-only; test code.
#ifndef SKP_TESTS_TESTING_NODE_PROCESS_H_
#define SKP_TESTS_TESTING_NODE_PROCESS_H_

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

extern char** environ;

namespace skp::testing {

class NodeProcess {
 public:
  // Starts `binary serve --listen LISTEN extra_args...` and waits for its
  // "listening HOST:PORT" line (and with --http-listen its "web URL" line).
  // address() is empty if it failed.
  NodeProcess(const std::string& binary,
              const std::vector<std::string>& extra_args,
              const std::string& listen = "127.0.0.1:0") {
    std::vector<std::string> args = {binary, "serve", "--listen", listen};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(),
                         environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (rc != 0) {
      pid_ = -1;
      close(out[0]);
      return;
    }
    FILE* stdout_of_child = fdopen(out[0], "r");
    char line[256];
    if (fgets(line, sizeof line, stdout_of_child) != nullptr) {
      std::string text(line);
      if (text.rfind("listening ", 0) == 0) {
        address_ = text.substr(10, text.find_last_not_of("\n") - 9);
      }
    }
    bool http = false;
    for (const std::string& a : extra_args) http |= a == "--http-listen";
    if (http && fgets(line, sizeof line, stdout_of_child) != nullptr) {
      std::string text(line);
      if (text.rfind("web ", 0) == 0) {
        // "web http://HOST:PORT/verify" -> "HOST:PORT"
        size_t host = text.find("://") + 3;
        http_address_ = text.substr(host, text.find('/', host) - host);
      }
    }
    fclose(stdout_of_child);
  }
  ~NodeProcess() { Stop(SIGKILL); }
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  const std::string& address() const { return address_; }
  // The HTTP front door's HOST:PORT; empty without --http-listen.
  const std::string& http_address() const { return http_address_; }

  // Sends `signal` and reaps the child; returns its wait status.
  int Stop(int signal) {
    if (pid_ <= 0) return 0;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  std::string address_;
  std::string http_address_;
};

}  // namespace skp::testing

#endif  // SKP_TESTS_TESTING_NODE_PROCESS_H_
