// Request ids: 16 lowercase hex characters, distinct per request, for the
// access log, error logs and the X-Request-Id header. Not secrets (they are
// sent to the client and written to logs), so they need not come from
// OpenSSL's generator: each thread draws a random 64-bit seed once and steps
// SplitMix64 from it. RAND_bytes per request cost a getpid() syscall (its fork
// check) and a locked DRBG call on every request; on our VMs a syscall costs
// more than the work around it. Thread-safe (the state is per thread).
#pragma once

#include <string>

namespace citadel::http {

std::string NextRequestId();

}  // namespace citadel::http
