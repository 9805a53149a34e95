#!/usr/bin/env python3
"""Reuse a per-thread RustCallStatus in UniFFI's generated Kotlin (issue 14, part 5).

UniFFI 0.32's Kotlin allocates a fresh JNA `UniffiRustCallStatus` (a Structure, whose
native `Memory` JNA tracks in a map and a cleaner until the GC frees it) for every call
into Rust, and a nested `RustBuffer.ByValue` inside it: most of the JNA bookkeeping that
a JFR profile of `checkCall` shows. This step replaces the allocation in the one helper
every call goes through (`uniffiRustCallWithError`) with a per-thread stack of statuses,
reset before each use; nested calls (lowering an argument, freeing an error buffer) take
the next slot, so a status is never shared by two calls in flight.

It also frees the JNA `Memory` behind a by-value `RustBuffer` as soon as `RustBuffer.free`
has handed the buffer back to Rust (JNA allocated that `Memory` when the buffer came back
from a call, and would otherwise keep it in its map until a GC and its cleaner thread),
so JNA's tracking map stays short. Only a buffer's own memory is closed, never a status's
nested `error_buf`, which shares the status's memory.

It edits text it expects to find exactly once and fails the build (exit 1) when the
generated code no longer has that shape, e.g. after a UniFFI upgrade: then re-check the
template (uniffi_bindgen's kotlin/templates/Helpers.kt) and update or drop this step.

    patch_call_status.py <generated .kt file>
"""
import sys

MARKER = "// callguard: RustCallStatus reuse (bindings/kotlin/build-tools/patch_call_status.py)"

OLD = """private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    var status = UniffiRustCallStatus()
    val return_value = callback(status)
    uniffiCheckCallStatus(errorHandler, status)
    return return_value
}
"""

NEW = MARKER + """
private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    if (!UniffiCallStatusPool.enabled) {
        val status = UniffiRustCallStatus()
        val return_value = callback(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    }
    val pool = UniffiCallStatusPool.current()
    val status = pool.acquire()
    try {
        val return_value = callback(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    } finally {
        pool.release()
    }
}

/**
 * The statuses of one thread's calls into Rust, a stack: a call takes the next slot and
 * gives it back when it returns or throws, so nested calls never share one. A slot is
 * reset (success, empty error buffer) before each use, as a fresh status would be.
 */
internal class UniffiCallStatusPool private constructor() {
    private var slots = arrayOfNulls<UniffiRustCallStatus>(4)
    private var depth = 0

    fun acquire(): UniffiRustCallStatus {
        if (depth == slots.size) slots = slots.copyOf(depth * 2)
        val status = slots[depth] ?: UniffiRustCallStatus().also { slots[depth] = it }
        depth += 1
        status.code = UNIFFI_CALL_SUCCESS
        status.error_buf.capacity = 0
        status.error_buf.len = 0
        status.error_buf.data = null
        return status
    }

    fun release() {
        depth -= 1
    }

    /** How many calls of this thread hold a status now (0 between calls). */
    val inUse: Int get() = depth

    companion object {
        private val local = ThreadLocal.withInitial { UniffiCallStatusPool() }

        /** The calling thread's pool. */
        fun current(): UniffiCallStatusPool = local.get()

        /** Off: every call allocates a fresh status, as UniFFI's code does (the benchmark's alternative). */
        @Volatile @JvmStatic var enabled: Boolean = true
    }
}
"""


FREE_OLD = """        internal fun free(buf: RustBuffer.ByValue) = uniffiRustCall() { status ->
            UniffiLib.{name}(buf, status)
        }
"""

FREE_NEW = """        internal fun free(buf: RustBuffer.ByValue) {
            uniffiRustCall() { status ->
                UniffiLib.{name}(buf, status)
            }
            uniffiCloseOwnMemory(buf)
        }
"""

CLOSE_FN = """
/**
 * Frees the JNA memory a structure allocated for itself (JNA's private
 * `Structure.AutoAllocated`), once nothing reads the structure again; memory it shares
 * (a status's nested `error_buf`) is left alone.
 */
internal fun uniffiCloseOwnMemory(s: Structure) {
    if (!UniffiCallStatusPool.enabled) return
    val memory = s.pointer
    if (memory is com.sun.jna.Memory && memory.javaClass.name == "com.sun.jna.Structure\$AutoAllocated") {
        memory.close()
    }
}
"""


def patch_free(text: str, path: str):
    """The RustBuffer.free change, or None (with a message) if the shape differs."""
    import re

    names = re.findall(r"UniffiLib\.(ffi_\w+_rustbuffer_free)\(buf, status\)", text)
    if len(names) != 1:
        print(f"patch_call_status: expected one rustbuffer_free call in {path}, found {len(names)}: "
              "the generated code changed shape; update this step", file=sys.stderr)
        return None
    old = FREE_OLD.replace("{name}", names[0])
    if text.count(old) != 1:
        print(f"patch_call_status: RustBuffer.free in {path} changed shape; update this step", file=sys.stderr)
        return None
    return text.replace(old, FREE_NEW.replace("{name}", names[0]))


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if MARKER in text:
        print(f"patch_call_status: {path} is already patched", file=sys.stderr)
        return 1
    count = text.count(OLD)
    if count != 1:
        print(
            f"patch_call_status: expected uniffiRustCallWithError exactly once in {path}, "
            f"found {count}: the generated code changed shape; update this step",
            file=sys.stderr,
        )
        return 1
    # Every call into Rust must go through the patched helper: no other status allocation.
    others = text.count("= UniffiRustCallStatus()") - 1
    if others != 0:
        print(
            f"patch_call_status: {others} other UniffiRustCallStatus() allocations in {path}; "
            "the generated code changed shape; update this step",
            file=sys.stderr,
        )
        return 1
    text = patch_free(text, path)
    if text is None:
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(OLD, NEW + CLOSE_FN))
    print(f"patch_call_status: {path} patched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
