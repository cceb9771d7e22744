/// glibc serves allocations over 128 KiB with fresh mmap'd pages and returns them on free, so
/// each detector input (a 4.9 MB float tensor) and each decoded photo costs thousands of page
/// faults. Keeping such blocks in the heap lets them be reused from one image to the next.
enum MemoryTuning {
    // glibc's <malloc.h> is not part of Swift's Glibc module; these are its ABI values.
    @_silgen_name("mallopt") private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
    private static let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
    private static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD

    static func keepLargeBuffersInHeap() {
        #if os(Linux)
        _ = mallopt(mmapThreshold, 256 << 20)
        _ = mallopt(trimThreshold, 512 << 20)
        #endif
    }
}
