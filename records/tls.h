// Transport security for every listener and every node-to-node channel:
// gRPC SSL credentials from PEM files. Plain text is allowed on loopback
// only, unless the operator explicitly allows it.
#ifndef SKP_RECORDS_TLS_H_
#define SKP_RECORDS_TLS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace skp::records {

struct TlsFiles {
  std::string cert;  // PEM certificate chain (this side's)
  std::string key;   // PEM private key
  std::string ca;    // PEM roots that sign the other side's certificate
};

// True if `listen` (HOST:PORT) names a loopback host.
bool IsLoopback(const std::string& listen);

// OK if a listener on `listen` may serve with these files: TLS (a cert and
// its key), or plain text on loopback or with `allow_plaintext`.
absl::Status CheckPlaintext(const std::string& listen, const TlsFiles& files,
                            bool allow_plaintext);

// TLS with files.cert/key when given; then, if files.ca is set, clients must
// present a certificate it signs (mutual TLS). Without a certificate: plain
// text, which kFailedPrecondition refuses unless `listen`'s host is a
// loopback address or `allow_plaintext`.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const std::string& listen, const TlsFiles& files, bool allow_plaintext);

// TLS trusting files.ca (and presenting files.cert/key when given, for
// mutual TLS); plain text when files.ca is empty.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const TlsFiles& files);

}  // namespace skp::records

#endif  // SKP_RECORDS_TLS_H_
