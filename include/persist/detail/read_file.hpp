// Reads a whole file through an Fs.
#ifndef PERSIST_DETAIL_READ_FILE_HPP
#define PERSIST_DETAIL_READ_FILE_HPP

#include <persist/detail/unique_handle.hpp>

#include <string>

namespace persist::detail {

/// The whole content of p, opened as owner says (fs_policy 10). Fails with
/// the cause of the first failed call. If opened_status is given, it
/// receives the fstat of the opened file, so a caller can tell which
/// version of p the content belongs to.
template <class Fs>
io_result<std::string> read_whole_file(Fs& fs, std::filesystem::path const& p,
                                       file_status* opened_status = nullptr,
                                       name_owner owner = name_owner::caller) {
    auto opened = fs.open_read(p, owner);
    if (!opened) return opened.error();
    unique_handle<Fs> file(fs, *opened);
    auto const status = fs.stat(file.get());
    if (!status) return status.error();
    if (status->kind == file_kind::directory)
        return std::make_error_code(std::errc::is_a_directory);
    if (opened_status != nullptr) *opened_status = *status;
    std::string content;
    // One byte more than fstat said: a read that stops short of it, having
    // read exactly that size, has met the end of the file, without a second
    // read(2) for the 0 (files whose size fstat does not know, such as
    // /proc files, still read until the 0).
    std::size_t size = status->size + 1;
    for (;;) {
        std::size_t const used = content.size();
        std::size_t const space = used == 0 ? size : std::max<std::size_t>(size, 4096);
        content.resize(used + space);
        auto got =
            fs.read(file.get(), std::as_writable_bytes(std::span(content.data() + used, space)));
        if (!got) return got.error();
        content.resize(used + *got);
        if (*got == 0) break;
        if (*got < space && status->size > 0 && content.size() == status->size) break;
        size = content.size();  // the file grew: double the buffer
    }
    return content;
}

}  // namespace persist::detail

#endif
