// Cryptographically secure random bytes and tokens (OpenSSL's RAND_bytes).
// Thread-safe. Aborts the process if the system cannot supply randomness: no
// key, salt or password is ever made from weaker material.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace citadel::core {

std::vector<unsigned char> RandomBytes(std::size_t count);

// `count` random bytes as lowercase hex (2*count characters).
std::string RandomHex(std::size_t count);

// A random string of `length` characters from [a-z0-9], for opaque names
// such as a tenant's database (`t_<id>`). 36^length possibilities.
std::string RandomLowerAlnum(std::size_t length);

// A random password of `length` characters from an unambiguous alphabet
// (no 0/O, 1/l/I), printable and easy to copy from a terminal.
std::string RandomPassword(std::size_t length);

}  // namespace citadel::core
