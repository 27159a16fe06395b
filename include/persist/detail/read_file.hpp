// Reads a whole file through an Fs.
#ifndef PERSIST_DETAIL_READ_FILE_HPP
#define PERSIST_DETAIL_READ_FILE_HPP

#include <persist/detail/unique_handle.hpp>

#include <string>

namespace persist::detail {

/// The whole content of p. Fails with the cause of the first failed call.
/// If opened_status is given, it receives the fstat of the opened file, so
/// a caller can tell which version of p the content belongs to.
template <class Fs>
io_result<std::string> read_whole_file(Fs& fs, std::filesystem::path const& p,
                                       file_status* opened_status = nullptr) {
    auto opened = fs.open_read(p);
    if (!opened) return opened.error();
    unique_handle<Fs> file(fs, *opened);
    auto const status = fs.stat(file.get());
    if (!status) return status.error();
    if (status->kind == file_kind::directory) return std::make_error_code(std::errc::is_a_directory);
    if (opened_status != nullptr) *opened_status = *status;
    std::string content;
    std::size_t size = status->size + 1;  // one byte more, to see EOF without a second round
    for (;;) {
        std::size_t const used = content.size();
        content.resize(used + std::max<std::size_t>(size, 4096));
        auto got = fs.read(file.get(), std::as_writable_bytes(std::span(content.data() + used, content.size() - used)));
        if (!got) return got.error();
        content.resize(used + *got);
        if (*got == 0) break;
        size = content.size();  // the file grew: double the buffer
    }
    return content;
}

}  // namespace persist::detail

#endif
