// What a site's disk can do to a copy between its last write and its commit,
// for the tests that show a site refuses to publish it (the re-read differs):
// a byte flipped at 300,001, the file cut to 500,000 bytes, bytes appended.
// The copy must be longer than 500,000 bytes.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace citadel::backup::testing {

using CopyDamage = std::pair<const char*, void (*)(const std::string& path)>;

inline std::vector<CopyDamage> CopyDamages() {
  return {
      {"a byte flipped", [](const std::string& path) {
         std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
         file.seekp(300'001);
         file.put('\x5a');
       }},
      {"cut short", [](const std::string& path) { std::filesystem::resize_file(path, 500'000); }},
      {"longer", [](const std::string& path) { std::ofstream(path, std::ios::app | std::ios::binary) << "tail"; }},
  };
}

}  // namespace citadel::backup::testing
