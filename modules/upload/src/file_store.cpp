#include "file_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <vector>

#include "keyfed/base/log.hpp"
#include "upload_path.hpp"

namespace keyfed::modules::upload {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMetaSuffix = ".meta";
constexpr std::string_view kMetaMagic = "keyfed-upload 1";
constexpr std::size_t kMaxMetaBytes = 4096;

const base::Logger& uploadLog() {
  static const base::Logger logger("upload");
  return logger;
}

base::Error ioError(std::string_view what, const fs::path& path, int err) {
  return base::Error{"upload.io",
                     std::string(what) + " " + path.string() + ": " + std::strerror(err), ""};
}

// Writes `bytes` to `path` and syncs it before returning.
base::Result<void> writeSynced(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return base::fail(ioError("cannot create", path, errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return base::fail(ioError("cannot write", path, err));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return base::fail(ioError("cannot sync", path, err));
  }
  ::close(fd);
  return {};
}

}  // namespace

std::string formatMeta(const StoredFile& file) {
  const auto created =
      std::chrono::duration_cast<std::chrono::seconds>(file.created.time_since_epoch()).count();
  std::string out(kMetaMagic);
  out += "\nowner=" + file.owner;
  out += "\nsize=" + std::to_string(file.size);
  out += "\ncreated=" + std::to_string(created);
  out += "\ntype=" + file.contentType;
  out += "\nname=" + file.filename;
  out += "\n";
  return out;
}

std::optional<StoredFile> parseMeta(std::string_view text) {
  if (text.size() > kMaxMetaBytes || !text.starts_with(kMetaMagic)) return std::nullopt;
  StoredFile file;
  bool haveOwner = false;
  bool haveSize = false;
  bool haveCreated = false;
  bool haveName = false;
  std::size_t pos = kMetaMagic.size();
  while (pos < text.size()) {
    if (text[pos] != '\n') return std::nullopt;
    ++pos;
    const auto end = text.find('\n', pos);
    if (end == std::string_view::npos) break;
    const std::string_view line = text.substr(pos, end - pos);
    pos = end;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view key = line.substr(0, eq);
    const std::string_view value = line.substr(eq + 1);
    if (key == "owner") {
      file.owner = std::string(value);
      haveOwner = !value.empty();
    } else if (key == "size") {
      auto n = parseDecimal(value);
      if (!n) return std::nullopt;
      file.size = *n;
      haveSize = true;
    } else if (key == "created") {
      auto n = parseDecimal(value);
      if (!n) return std::nullopt;
      file.created = base::SystemTime{std::chrono::seconds{static_cast<std::int64_t>(*n)}};
      haveCreated = true;
    } else if (key == "type") {
      if (!value.empty() && !acceptableContentType(value)) return std::nullopt;
      file.contentType = std::string(value);
    } else if (key == "name") {
      if (!acceptableFilename(value)) return std::nullopt;
      file.filename = std::string(value);
      haveName = true;
    }
  }
  if (!haveOwner || !haveSize || !haveCreated || !haveName) return std::nullopt;
  return file;
}

base::Result<std::unique_ptr<FileStore>> FileStore::open(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return base::fail("upload.io", "cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  std::unique_ptr<FileStore> store(new FileStore(dir));
  store->load();
  return store;
}

// Indexes every token with both its bytes and a readable .meta of the right
// size; anything else in the directory (temporaries a crash left, a file
// without its .meta) is removed.
void FileStore::load() {
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(kMetaSuffix)) continue;
    if (!isToken(name)) {
      leftovers.push_back(entry.path());
      continue;
    }
    std::ifstream in(dir_ / (name + std::string(kMetaSuffix)), std::ios::binary);
    std::string text(kMaxMetaBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    auto meta = parseMeta(text);
    const auto onDisk = fs::file_size(entry.path(), ec);
    if (!meta || ec || onDisk != meta->size) {
      leftovers.push_back(entry.path());
      continue;
    }
    usage_[meta->owner] += meta->size;
    files_.emplace(name, std::move(*meta));
  }
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(kMetaSuffix)) continue;
    if (!files_.contains(name.substr(0, name.size() - kMetaSuffix.size()))) {
      leftovers.push_back(entry.path());
    }
  }
  for (const auto& path : leftovers) {
    uploadLog().warn("removing {}: not a complete upload", path.string());
    fs::remove(path, ec);
  }
}

base::Result<void> FileStore::put(std::string_view token, const StoredFile& file,
                                  std::string_view bytes) {
  const std::string name(token);
  if (!isToken(name)) return base::fail("upload.token", "not an upload token");
  if (files_.contains(name)) return base::fail("upload.exists", "this slot was used already");
  // The bytes first, under their final name, then the .meta that makes them
  // a file: load() drops bytes without a .meta.
  const fs::path data = dir_ / name;
  const fs::path meta = dir_ / (name + std::string(kMetaSuffix));
  const fs::path metaTmp = dir_ / (name + ".tmp");
  if (auto r = writeSynced(data, bytes); !r) return r;
  if (auto r = writeSynced(metaTmp, formatMeta(file)); !r) {
    std::error_code ec;
    fs::remove(data, ec);
    return r;
  }
  std::error_code ec;
  fs::rename(metaTmp, meta, ec);
  if (ec) {
    fs::remove(data, ec);
    fs::remove(metaTmp, ec);
    return base::fail("upload.io", "cannot rename " + metaTmp.string());
  }
  // The rename must survive a crash too: sync the directory.
  const int dirFd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  usage_[file.owner] += file.size;
  files_.emplace(name, file);
  return {};
}

const StoredFile* FileStore::find(std::string_view token) const {
  const auto it = files_.find(std::string(token));
  return it == files_.end() ? nullptr : &it->second;
}

base::Result<std::string> FileStore::read(std::string_view token) const {
  const StoredFile* file = find(token);
  if (file == nullptr) return base::fail("upload.not-found", "no such file");
  std::ifstream in(dir_ / std::string(token), std::ios::binary);
  std::string bytes(file->size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != file->size) {
    return base::fail("upload.io", "the stored file is shorter than recorded");
  }
  return bytes;
}

void FileStore::forget(const std::string& token) {
  const auto it = files_.find(token);
  if (it == files_.end()) return;
  auto& used = usage_[it->second.owner];
  used -= std::min(used, it->second.size);
  if (used == 0) usage_.erase(it->second.owner);
  std::error_code ec;
  fs::remove(dir_ / (token + std::string(kMetaSuffix)), ec);
  fs::remove(dir_ / token, ec);
  files_.erase(it);
}

std::size_t FileStore::removeCreatedBefore(base::SystemTime cutoff) {
  std::vector<std::string> expired;
  for (const auto& [token, file] : files_) {
    if (file.created < cutoff) expired.push_back(token);
  }
  for (const auto& token : expired) forget(token);
  return expired.size();
}

std::uint64_t FileStore::usage(std::string_view owner) const {
  const auto it = usage_.find(std::string(owner));
  return it == usage_.end() ? 0 : it->second;
}

}  // namespace keyfed::modules::upload
