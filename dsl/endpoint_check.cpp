// SOURCE and TARGET judged without a server: the address with its ${NAME} references, VERSION, and
// where the password comes from (PASSWORD ENV, PASSWORD FILE, `omsrun --defaults-extra-file`). An
// option file is read here so that its mistakes are compile errors at the script's place; its
// password is not kept (the connection reads the file again), only its path.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "dsl/rules.hpp"
#include "src/common/option_file.hpp"

namespace omsql::dsl {
namespace {

bool valid_variable_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// Where the endpoint's option file came from, for messages and for what it may supply.
struct OptionFile {
  std::string path;    // absolute
  int place = 0;       // script offset errors about it point at
  std::string origin;  // "" for PASSWORD FILE, "--defaults-extra-file: " for the command line's
  ClientOptions values;
};

class EndpointChecker {
 public:
  EndpointChecker(const ast::EndpointStatement& statement, const SourceText& source, const CompileSettings& settings,
                  Endpoint& endpoint, std::vector<Diagnostic>& diagnostics)
      : statement_(statement), source_(source), settings_(settings), endpoint_(endpoint), diagnostics_(diagnostics) {}

  void check() {
    std::optional<OptionFile> file;
    bool file_ok = true;
    if (statement_.password && !statement_.password->file) {
      const ast::Word& name = statement_.password->value;
      if (valid_variable_name(name.text))
        endpoint_.password_env = name.text;
      else
        error(name.offset, "bad environment variable name '" + name.text +
                               "' after PASSWORD ENV: expected letters, digits and '_'");
    } else if (statement_.password || !settings_.defaults_extra_file.empty()) {
      file = option_file();
      file_ok = file.has_value();
    }
    if (auto address = expand_variables(statement_.address); address && file_ok)
      parse_address(*address, file ? &*file : nullptr);
    if (statement_.version) check_version();
    if (file && file->values.password) {
      endpoint_.password_file = file->path;
      endpoint_.password_group = group();
    } else if (file && file->origin.empty()) {
      error(file->place, "option file '" + file->path + "' has no password in [client] or [" + group() +
                             "]: add password=... there, or use PASSWORD ENV");
    }
  }

 private:
  void error(int offset, std::string message) { diagnostics_.push_back(source_.at(offset, std::move(message))); }
  std::string group() const { return statement_.is_target ? "omsql-target" : "omsql-source"; }

  // PASSWORD FILE 'path' (${NAME} and ~ expanded; relative to the script's directory), else the
  // command line's --defaults-extra-file (relative to the current directory); read and checked.
  std::optional<OptionFile> option_file() {
    OptionFile file;
    std::string path;
    if (statement_.password) {
      const ast::Word& word = statement_.password->value;
      file.place = word.offset + 1;
      auto expanded = expand_variables(word);
      if (!expanded) return std::nullopt;
      path = *expanded;
      if (path.empty()) {
        error(file.place, "empty option file path after PASSWORD FILE");
        return std::nullopt;
      }
    } else {
      file.place = statement_.address.offset + 1;
      file.origin = "--defaults-extra-file: ";
      path = settings_.defaults_extra_file;
    }
    auto home = expand_home(path);
    if (!home) {
      error(file.place, file.origin + home.status().message());
      return std::nullopt;
    }
    std::filesystem::path resolved(*home);
    if (resolved.is_relative() && file.origin.empty())
      resolved = std::filesystem::path(source_.file_name()).parent_path() / resolved;
    std::error_code ignored;
    auto absolute = std::filesystem::absolute(resolved, ignored);
    file.path = (absolute.empty() ? resolved : absolute).lexically_normal().string();
    auto values = read_client_options(file.path, {"client", group()});
    if (!values) {
      error(file.place, file.origin + values.status().message());
      return std::nullopt;
    }
    file.values = std::move(*values);
    return file;
  }

  // VERSION picks OceanBase rules by minor version; on any other endpoint nothing would read it.
  void check_version() {
    const ast::Word& word = *statement_.version;
    if (!statement_.is_target || endpoint_.dialect != Dialect::kOceanBase) {
      error(word.offset, "VERSION applies to TARGET oceanbase only (the OceanBase rules depend on it); remove it here");
      return;
    }
    auto version = parse_version_number(word.text);
    if (!version) {
      error(word.offset + 1, "bad VERSION '" + word.text + "': expected an OceanBase version such as '4.2.1' or '4.3.5.1'");
      return;
    }
    if (version->parts[0] != 4) {
      error(word.offset + 1, "VERSION '" + word.text +
                                 "' is not supported: the oceanbase dialect is written for OceanBase 4.x (MySQL mode)");
      return;
    }
    endpoint_.version = std::move(version);
  }

  // The source offset of character `index` of the unescaped string literal `word`.
  int offset_in_string(const ast::Word& word, size_t index) const {
    std::string_view text = source_.text();
    size_t position = static_cast<size_t>(word.offset) + 1;
    for (size_t i = 0; i < index && position < text.size(); ++i)
      position += (text[position] == '\'' && position + 1 < text.size() && text[position + 1] == '\'') ? 2 : 1;
    return static_cast<int>(position);
  }

  // Replaces every ${NAME} with the environment variable NAME; an unset variable is an error there.
  std::optional<std::string> expand_variables(const ast::Word& word) {
    const std::string& in = word.text;
    std::string out;
    bool ok = true;
    for (size_t i = 0; i < in.size();) {
      if (in.compare(i, 2, "${") != 0) {
        out += in[i++];
        continue;
      }
      size_t close = in.find('}', i + 2);
      std::string name = close == std::string::npos ? "" : in.substr(i + 2, close - i - 2);
      if (close == std::string::npos || !valid_variable_name(name)) {
        error(offset_in_string(word, i), "bad variable reference: expected ${NAME} with NAME made of letters, "
                                         "digits and '_'");
        return std::nullopt;
      }
      if (const char* value = std::getenv(name.c_str())) {
        out += value;
      } else {
        error(offset_in_string(word, i), "environment variable " + name + " is not set");
        ok = false;
      }
      i = close + 1;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // 'user@host:port'. With an option file, what the address leaves out comes from the file, as the
  // mysql client takes from ~/.my.cnf what its command line does not say: 'host:port' (no user@),
  // 'user@host' (no port), '' (everything). The address wins over the file.
  void parse_address(const std::string& address, const OptionFile* file) {
    int place = statement_.address.offset + 1;
    size_t at = address.rfind('@');
    if (at == std::string::npos && !file) {
      error(place, "endpoint '" + address + "' has no user: expected 'user@host:port'");
      return;
    }
    std::optional<std::string> user;
    std::string host = address;
    if (at != std::string::npos) {
      user = address.substr(0, at);
      host = address.substr(at + 1);
      if (user->find(':') != std::string::npos) {
        // Say nothing of the password; compile_script hides it in every echoed source line too.
        error(place, "endpoint holds a password: write 'user@host:port' and name an environment variable with "
                     "PASSWORD ENV 'NAME' or an option file with PASSWORD FILE 'path'");
        return;
      }
    }
    std::optional<int> port;
    if (size_t colon = host.rfind(':'); colon != std::string::npos) {
      std::string digits = host.substr(colon + 1);
      host.resize(colon);
      bool numeric = !digits.empty() && digits.size() <= 5 &&
                     std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
      port = numeric ? std::stoi(digits) : 0;
      if (*port < 1 || *port > 65535) {
        error(place, "bad port '" + digits + "' in endpoint '" + address + "': expected a number from 1 to 65535");
        return;
      }
    }
    if ((user && user->empty()) || (host.empty() && !file)) {
      error(place, "endpoint '" + address + "' has an empty " + (user && user->empty() ? "user" : "host") +
                       ": expected 'user@host:port'");
      return;
    }
    if (file) {
      if (!user) user = file->values.user;
      if (host.empty() && file->values.host) host = *file->values.host;
      if (!port) port = file->values.port;
      for (auto [missing, what] : {std::pair{!user || user->empty(), "user"}, std::pair{host.empty(), "host"}}) {
        if (!missing) continue;
        error(place, file->origin + "endpoint '" + address + "' has no " + what + ", and option file '" + file->path +
                         "' gives none in [client] or [" + group() + "]");
        return;
      }
    }
    endpoint_.user = *user;
    endpoint_.host = host;
    endpoint_.port = port.value_or(3306);
  }

  const ast::EndpointStatement& statement_;
  const SourceText& source_;
  const CompileSettings& settings_;
  Endpoint& endpoint_;
  std::vector<Diagnostic>& diagnostics_;
};

}  // namespace

void check_endpoint(const ast::EndpointStatement& statement, const SourceText& source, const CompileSettings& settings,
                    Endpoint& endpoint, std::vector<Diagnostic>& diagnostics) {
  EndpointChecker(statement, source, settings, endpoint, diagnostics).check();
}

}  // namespace omsql::dsl
