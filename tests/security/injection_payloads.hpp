// The SQL injection corpus of orm_injection_pgtest.cpp: attack strings a
// client can put wherever it names or sends something. Typed by hand from
// well-known public lists (none is downloaded at test time):
//   * sqlmap's boundaries and payloads (data/xml/boundaries.xml: the
//     prefixes "'", "')", "'))", "\"", "%'", "1)" ... and suffixes "--",
//     "#", "/*" around a test; data/xml/payloads/*.xml: boolean-blind
//     "AND 1=1", error-based CAST, stacked queries "; SELECT PG_SLEEP(5)--",
//     time-based "AND SLEEP(5)", UNION ALL SELECT NULL...);
//   * OWASP's Web Security Testing Guide, "Testing for SQL Injection"
//     (WSTG-INPV-05) and its PostgreSQL page: tautologies, comments, "||"
//     concatenation, "::" casts, $$ dollar quoting, E'' escape strings,
//     COPY ... TO PROGRAM;
//   * the unicode-quote and NUL tricks of the same lists (U+02BC, U+2019,
//     U+FF07 look like "'" to a careless normaliser; a NUL ends a C string).
// Every payload starts with kInjectionMarker, so that finding one in SQL
// text is a plain substring search.
#pragma once

#include <string>
#include <vector>

namespace citadel::security_testing {

inline constexpr const char* kInjectionMarker = "Zq9x";

inline std::vector<std::string> InjectionPayloads() {
  using namespace std::string_literals;
  const std::vector<std::string> attacks = {
      // Tautologies and their quote/paren boundaries (sqlmap boundaries.xml).
      "' OR '1'='1",
      "\" OR \"1\"=\"1",
      "') OR ('1'='1",
      "')) OR (('1'='1",
      "1 OR 1=1",
      "1) OR (1=1",
      "1)) OR ((1=1",
      "' OR 1=1--",
      "' OR 1=1#",
      "' OR 1=1/*",
      "admin'--",
      "' or ''='",
      "%' AND 8310=8310 AND '%'='",
      "') AND 1=1 AND ('a'='a",
      // Stacked queries.
      "'; DROP TABLE res_partner; --",
      "\"; DROP TABLE res_partner; --",
      "\"; DROP TABLE",
      "1; SELECT pg_sleep(5)--",
      "1;SELECT pg_sleep(5)--",
      "';SELECT PG_SLEEP(5)--",
      "';COPY (SELECT '') TO PROGRAM 'touch /tmp/citadel-pwned'--",
      // Time-based blind (sqlmap's MySQL and PostgreSQL variants).
      "1 AND SLEEP(5)",
      "1' AND SLEEP(5) AND '1'='1",
      "1 AND 1=(SELECT 1 FROM PG_SLEEP(5))",
      "1' AND (SELECT 1 FROM pg_sleep(5))='1",
      "' OR pg_sleep(5) IS NULL --",
      "'; WAITFOR DELAY '0:0:5'--",
      // Error-based and UNION.
      "' AND 1=CAST((SELECT version()) AS int)--",
      "' AND 4412=CAST((CHR(113)||CHR(107))::text AS NUMERIC)--",
      "' UNION ALL SELECT NULL,NULL,NULL--",
      "' UNION SELECT login, password FROM res_users--",
      "1 UNION SELECT NULL--",
      "1 ORDER BY 1--",
      "1 AND 1=(SELECT COUNT(*) FROM pg_tables)",
      // PostgreSQL quoting: dollar quotes, escape strings, casts, concatenation.
      "$$",
      "$$; DROP TABLE res_users; $$",
      "$tag$ OR 1=1 $tag$",
      "E'\\x27'",
      "E'\\x27 OR 1=1 --",
      "\\'; DROP TABLE res_partner; --",
      "\\x27 OR 1=1",
      "'||(SELECT chr(65)||chr(66))||'",
      "'||'",
      "||",
      "1::text",
      "name::text",
      "'::regclass",
      // Comments as whitespace.
      "/**/OR/**/1=1",
      "*/ OR 1=1 /*",
      "1/**/UNION/**/SELECT/**/NULL",
      // What a name, an order or a groupby could smuggle.
      "(SELECT 1)",
      "id; --",
      "name desc, (SELECT 1)",
      "name desc NULLS LAST; DROP TABLE res_partner",
      "res_partner.name",
      "\"name\"",
      "name) OR (1=1",
      "color:day) OR (1=1",
      // Unicode quotes, URL encodings, line breaks, NUL.
      "\u02bc OR 1=1 --",
      "\u2019 OR \u20191\u2019=\u20191",
      "\uff07 OR 1=1 --",
      "%27 OR 1=1",
      "%2527 OR 1=1",
      "a\nb'; --",
      "'\r\n; DROP TABLE res_partner",
      "\0' OR 1=1 --"s,
      "a\0b"s,
  };
  std::vector<std::string> out;
  for (const auto& attack : attacks) out.push_back(std::string(kInjectionMarker) + attack);
  return out;
}

}  // namespace citadel::security_testing
