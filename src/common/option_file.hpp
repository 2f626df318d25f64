#pragma once
// MySQL option files (~/.my.cnf, --defaults-extra-file), read as the mysql client reads them, for the
// connection options omsql takes from them: user, password, host, port. Used by PASSWORD FILE in a
// script and by `omsrun --defaults-extra-file`; docs/language.md, "Option files", is the contract.
//
// Syntax (MySQL's mysys/my_default.c): `[group]` lines; `name=value` or `name` alone; leading and
// trailing blanks dropped; lines starting with '#' or ';' are comments, and '#' outside quotes ends
// a line; a value wholly in '...' or "..." loses its quotes; \n \t \r \b \s \\ \' \" are escapes
// in values, any other backslash is kept; '-' and '_' are one character in names. Options of the
// groups asked for apply in file order, the last one wins. `!include` and `!includedir` are refused
// (omsql reads exactly the file it is given, whose permissions it checked).
//
// No message ever holds a value read from the file: only its path, a line number and an option name.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/status.hpp"

namespace omsql {

struct ClientOptions {
  std::optional<std::string> user, password, host;
  std::optional<int> port;
};

// Parses option-file `text`; `path` is only for messages ("option file '/x/.my.cnf' line 3: ...").
// `groups` are compared case-insensitively ("client", "omsql-source").
Result<ClientOptions> parse_client_options(std::string_view text, const std::string& path,
                                           const std::vector<std::string>& groups);

// Reads `path` (a regular file; refused when other users may read or write it, since it holds a
// password: "chmod o-rwx PATH") and parses it.
Result<ClientOptions> read_client_options(const std::string& path, const std::vector<std::string>& groups);

// "~/x" with $HOME; other paths unchanged. "~user/x" is refused (an error naming it).
Result<std::string> expand_home(const std::string& path);

}  // namespace omsql
