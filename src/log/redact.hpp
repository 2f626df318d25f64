#pragma once
// Passwords never leave the process in a message (docs/operations.md, "Logging"). Every message
// the log seam writes, to the terminal or the file, passes through redact() first.
#include <string>
#include <string_view>
#include <vector>

namespace omsql::log {

// `text` with each of `secrets` (the passwords this process resolved) replaced by ***, and the
// password of any password syntax masked whoever wrote it: a statement's IDENTIFIED BY '...',
// IDENTIFIED VIA/WITH plugin USING/AS '...', PASSWORD('...'), SET PASSWORD ... = '...',
// MASTER_PASSWORD = '...'; an option-file or command-line `password = x` / `--password=x`; the
// password of `scheme://user:password@host` and of a quoted 'user:password@host'. Pure.
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace omsql::log
