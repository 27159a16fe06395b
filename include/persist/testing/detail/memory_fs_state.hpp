// The state behind a memory_fs: inodes in two views, open files, and the
// list of pending operations that a power cut may lose.
#ifndef PERSIST_TESTING_DETAIL_MEMORY_FS_STATE_HPP
#define PERSIST_TESTING_DETAIL_MEMORY_FS_STATE_HPP

#include <persist/testing/memory_fs.hpp>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace persist::detail::memfs {

using inode_number = std::uint64_t;
using byte_buffer = std::vector<std::byte>;

inline constexpr inode_number root_inode = 1;
inline constexpr int max_symlink_follows = 40;  // Linux's MAXSYMLINKS: ELOOP past it
inline constexpr std::size_t max_name_length = 255;
inline constexpr std::size_t max_path_length = 4095;
inline constexpr std::uint64_t device_number = 0x6d656d;  // "mem": one device, so never EXDEV
inline constexpr std::uint64_t directory_size = 4096;     // what ext4 reports for a small directory

inline std::error_code error_of(int errno_value) { return errno_code(errno_value); }

inline std::shared_ptr<byte_buffer const> copy_bytes(std::span<std::byte const> bytes) {
    return std::make_shared<byte_buffer const>(bytes.begin(), bytes.end());
}

/// One inode as one view (live or durable) sees it.
struct node {
    file_kind kind = file_kind::regular;
    byte_buffer data;                             ///< a regular file's bytes
    std::string target;                           ///< a symlink's target
    std::map<std::string, inode_number> entries;  ///< a directory's names
    mode_t mode = 0;
    uid_t owner = 0;
    gid_t group = 0;
    std::int64_t modified_ns = 0;
};

/// A whole filesystem in one view; "/" is root_inode. A durable tree may
/// hold inodes that no name reaches: they vanish when it becomes an image.
struct tree {
    std::unordered_map<inode_number, node> nodes;
};

/// A live inode, with what only running processes see.
struct live_node : node {
    std::uint64_t links = 0;       ///< names (2 + subdirectories for a directory)
    inode_number parent = 0;       ///< a directory's parent ("/" is its own)
    std::size_t open_handles = 0;  ///< the inode is freed when both this and links are 0
    bool linkable = false;         ///< an O_TMPFILE inode that was never linked
};

enum class op_kind { write, truncate, set_mode, set_owner, add_entry, remove_entry, rename };

/// One change to the live view that is not durable yet.
struct pending_op {
    std::uint64_t sequence = 0;  ///< program order, shown as "#n"
    op_kind kind = op_kind::write;
    /// The inode written, truncated or changed; for entry operations the
    /// inode that the name is given to, taken from, or moved.
    inode_number inode = 0;
    std::uint64_t offset = 0;                  ///< write
    std::shared_ptr<byte_buffer const> bytes;  ///< write
    std::uint64_t size = 0;                    ///< truncate
    std::int64_t modified_ns = 0;              ///< write, truncate
    mode_t mode = 0;                           ///< set_mode
    uid_t owner = 0;                           ///< set_owner
    gid_t group = 0;                           ///< set_owner
    inode_number dir = 0;                      ///< entry operations: the directory
    std::string name;                          ///< entry operations: the name in dir
    inode_number to_dir = 0;                   ///< rename: the destination directory
    std::string to_name;                       ///< rename: the destination name
    std::string what;                          ///< "rename /work/.a.tmp-… -> /work/a"

    bool is_data() const noexcept { return kind == op_kind::write || kind == op_kind::truncate; }
    bool is_metadata() const noexcept {
        return kind == op_kind::set_mode || kind == op_kind::set_owner;
    }
    bool is_entry() const noexcept { return !is_data() && !is_metadata(); }
    bool touches_directory(inode_number d) const noexcept {
        return is_entry() && (dir == d || to_dir == d);
    }
};

/// An open file description.
struct open_file {
    inode_number inode = 0;
    bool readable = false;
    bool writable = false;
    bool append = false;
    bool locked = false;  ///< holds the inode's flock-style lock
    std::uint64_t offset = 0;
};

/// A path taken apart: "/a//b/" is {a, b}, absolute, with a trailing slash.
struct parsed_path {
    std::vector<std::string> parts;
    bool trailing_slash = false;
};

/// The directory that holds a path's last component, and that component:
/// empty for "/", and "." or ".." as written.
struct parent_lookup {
    inode_number dir = root_inode;
    std::string name;
    bool trailing_slash = false;
};

/// How a memory_image is built and read by the implementation.
struct image_access {
    static memory_image make(std::shared_ptr<tree const> t, std::string how, std::string key) {
        memory_image image;
        image.tree_ = std::move(t);
        image.how_ = std::move(how);
        image.key_ = std::move(key);
        return image;
    }
    static tree const& tree_of(memory_image const& image);
};

/// Everything behind one memory_fs and its copies. Every member function
/// expects `mutex` to be held by the caller.
struct state {
    PERSIST_DECL explicit state(memory_fs_options const& opts);

    std::mutex mutex;
    std::condition_variable lock_released;
    memory_fs_options options;
    uid_t owner = 0;
    gid_t group = 0;
    bool may_chown = false;

    std::unordered_map<inode_number, live_node> live;
    tree durable;
    std::vector<pending_op> pending;
    std::unordered_map<std::uint64_t, open_file> files;
    inode_number next_inode = root_inode + 1;
    std::uint64_t next_handle = 1;
    std::uint64_t next_sequence = 1;
    std::int64_t clock_ns = 0;
    std::function<void(memory_fs::crash_point const&)> observer;

    // --- paths (impl/memory_fs_state.ipp) ---
    PERSIST_DECL static io_result<parsed_path> parse(std::filesystem::path const& p);
    /// Resolves every component but the last, following symlinks.
    PERSIST_DECL io_result<parent_lookup> find_parent(std::filesystem::path const& p, int& follows);
    PERSIST_DECL io_result<parent_lookup> find_parent(inode_number start, parsed_path const& parsed,
                                                      int& follows);
    /// Resolves a whole path; the last component's symlink is followed when
    /// `follow` (or when the path ends in a slash).
    PERSIST_DECL io_result<inode_number> find(std::filesystem::path const& p, bool follow);
    PERSIST_DECL io_result<inode_number> find(inode_number start, parsed_path const& parsed,
                                              bool follow, int& follows);
    /// The inode that name means in dir (".", ".." included), if any.
    PERSIST_DECL std::optional<inode_number> child(inode_number dir, std::string const& name) const;
    /// A path that reaches ino in the live view, for descriptions.
    PERSIST_DECL std::string path_of(inode_number ino) const;
    PERSIST_DECL std::string entry_path(inode_number dir, std::string const& name) const;

    // --- inodes and names ---
    PERSIST_DECL std::int64_t tick();
    PERSIST_DECL inode_number create_inode(file_kind kind, mode_t mode);
    PERSIST_DECL void add_name(inode_number dir, std::string const& name, inode_number ino);
    PERSIST_DECL void remove_name(inode_number dir, std::string const& name);
    PERSIST_DECL void release_if_unused(inode_number ino);
    PERSIST_DECL file_status status_of(inode_number ino) const;
    /// Opens ino: a new handle with its own offset.
    PERSIST_DECL memory_fs::handle open(inode_number ino, bool readable, bool writable,
                                        bool append);
    /// The open file behind a handle, or nullptr (EBADF).
    PERSIST_DECL open_file* file_of(memory_fs::handle h);

    // --- the pending list ---
    PERSIST_DECL void record(pending_op op);
    /// Makes durable the pending operations that `wanted` selects, with
    /// every earlier operation they depend on, in program order.
    PERSIST_DECL void persist(std::function<bool(pending_op const&)> const& wanted);
    PERSIST_DECL void persist_file(inode_number ino, bool with_metadata);
    PERSIST_DECL void persist_directory(inode_number dir);
    /// Forgets durable inodes that nothing can reach any more.
    PERSIST_DECL void collect_garbage();

    // --- images (impl/memory_fs_crash.ipp) ---
    PERSIST_DECL tree live_tree() const;
    PERSIST_DECL crash_result crash(crash_options const& options) const;
    PERSIST_DECL void boot(tree const& image);
};

/// For each pending operation, the earlier ones it depends on: entry
/// operations on the same name of the same directory, and with `ordered`
/// every earlier entry operation (through the previous one).
PERSIST_DECL std::vector<std::vector<std::size_t>> dependencies(std::vector<pending_op> const& ops,
                                                                bool ordered);
/// Applies op to t, the way the disk would if op reached it; `torn` says
/// how a write arrives: 0 whole, 1 zeros, 2 garbage, 3 its first half.
PERSIST_DECL void apply(tree& t, pending_op const& op, int torn = 0);
/// The canonical form of the part of t reachable from "/".
PERSIST_DECL std::string canonical_key(tree const& t);
/// Drops the inodes of t that no name reaches.
PERSIST_DECL void prune(tree& t);

}  // namespace persist::detail::memfs

#endif
