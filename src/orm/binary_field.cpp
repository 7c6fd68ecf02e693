#include "orm/binary_field.hpp"

#include <cstdio>

#include <openssl/evp.h>

#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"

namespace citadel::orm {
namespace {

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool IsBase64Space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Base64 digits (whitespace skipped), if `text` is padded base64.
std::optional<std::uint64_t> DigitsOf(std::string_view text) {
  std::uint64_t digits = 0;
  int padding = 0;
  for (char c : text) {
    if (IsBase64Space(c)) continue;
    if (c == '=') {
      if (++padding > 2) return std::nullopt;
      continue;
    }
    if (padding > 0 || Sextet(c) < 0)
      return std::nullopt;  // data after padding, or not the alphabet
    ++digits;
  }
  // Padding only completes the last group of four: "xx==" or "xxx=".
  if ((digits + static_cast<std::uint64_t>(padding)) % 4 != 0) return std::nullopt;
  if (padding > 0 && digits % 4 + static_cast<std::uint64_t>(padding) != 4) return std::nullopt;
  return digits;
}

std::uint64_t BytesOf(std::uint64_t digits) {
  const std::uint64_t tail = digits % 4;
  return digits / 4 * 3 + (tail == 2 ? 1 : tail == 3 ? 2 : 0);
}

}  // namespace

Value HumanSize(std::uint64_t bytes) {
  if (bytes == 0) return false;
  static constexpr const char* kUnits[] = {"bytes", "Kb", "Mb", "Gb", "Tb"};
  double size = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (size >= 1024 && unit + 1 < std::size(kUnits)) {
    size /= 1024;
    ++unit;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%0.2f %s", size, kUnits[unit]);
  return std::string(text);
}

std::optional<std::uint64_t> DecodedBinarySize(std::string_view text) {
  auto digits = DigitsOf(text);
  if (!digits) return std::nullopt;
  return BytesOf(*digits);
}

std::optional<std::string> DecodeBinaryBase64(std::string_view text) {
  auto digits = DigitsOf(text);
  if (!digits) return std::nullopt;
  std::string out;
  out.reserve(BytesOf(*digits));
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const int sextet = Sextet(c);
    if (sextet < 0) continue;  // whitespace and padding, checked above
    bits = (bits << 6) | static_cast<std::uint32_t>(sextet);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

std::string EncodeBinaryBase64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::set<std::string> CollectBinaryReferences(const Environment& env) {
  std::set<std::string> references;
  for (const auto& model : env.registry().models()) {
    for (const auto& field : model->fields()) {
      if (!crud::HasReferenceColumn(*field)) continue;
      const db::Identifier column = crud_sql::Name(field->column());
      db::ComposedSql sql("SELECT DISTINCT ");
      sql.Name(column).Sql(" FROM ").Name(crud_sql::Name(model->table())).Sql(" WHERE ");
      sql.Name(column).Sql(" IS NOT NULL");
      const db::QueryResult rows = env.Execute(sql);
      for (int row = 0; row < rows.rows(); ++row) references.emplace(*rows.Get(row, 0));
    }
  }
  return references;
}

core::Result<GarbageReport> CollectFileStoreGarbage(const Environment& env, FileStore& store) {
  return store.CollectGarbage(CollectBinaryReferences(env));
}

}  // namespace citadel::orm
