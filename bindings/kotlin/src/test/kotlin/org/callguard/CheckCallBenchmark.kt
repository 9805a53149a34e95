package org.callguard

import java.io.File
import java.nio.file.Files

/**
 * `checkCall` through the bindings, beside the same calls timed inside Rust in the same
 * process (`Engine.measureCheckCall`). A timed loop, not a test: run it with
 *
 *     mvn -B -f bindings/kotlin/pom.xml -Pbench test
 *
 * (the bench profile builds the library with --release and skips the tests). The list is
 * the small signed demo list, so the difference is the cost of crossing the boundary:
 * lowering the CallInput record, JNA's native call, lifting the Decision record.
 */
object CheckCallBenchmark {
    // Overridable for quick runs: -Dcallguard.bench.batch=2000 -Dcallguard.bench.batches=11
    private val BATCH = Integer.getInteger("callguard.bench.batch", 20_000)
    private val BATCHES = Integer.getInteger("callguard.bench.batches", 25)

    private fun median(xs: List<Double>) = xs.sorted().let { (it[it.size / 2] + it[(it.size - 1) / 2]) / 2 }

    @JvmStatic
    fun main(args: Array<String>) {
        val workspace = File(System.getProperty("callguard.workspace") ?: "../..").canonicalFile
        val site = File(workspace, "signed-lists/demo/site")
        val dir = Files.createTempDirectory("callguard-bench").toFile()
        val engine = Engine.open(dir.path, "CN", File(site, "root.json").readBytes())
        engine.installUpdate(Support.siteFiles(site))

        val cases = listOf(
            "listed number" to Support.call("+86 170 0094 5041"),
            "spoofed official" to Support.call("+852 12110"),
            "police 110" to Support.call("110"),
            "unlisted mobile" to Support.call("+86 139 1234 5678"),
        )
        println("checkCall through the Kotlin bindings (JNA) vs the same call inside Rust, same process")
        println("demo list, ${BATCHES} batches of ${BATCH} calls per case and path; medians of the per-batch means")
        println("pooled: the generated code reusing a per-thread RustCallStatus (build-tools/patch_call_status.py);")
        println("fresh: UniFFI's own code, a new status per call; batches of the two alternate")
        println(String.format("%-18s %10s %10s %8s %10s %8s", "case", "fresh ns", "pooled ns", "speedup", "Rust ns", "pooled/Rust"))
        for ((name, input) in cases) {
            // Warm up both paths: JIT, JNA's method tables, the allocator.
            for (pooled in listOf(false, true)) {
                UniffiCallStatusPool.enabled = pooled
                repeat(3) { repeat(BATCH) { engine.checkCall(input) } }
            }
            engine.measureCheckCall(input, BATCH.toUInt())
            val fresh = ArrayList<Double>()
            val pooled = ArrayList<Double>()
            val rust = ArrayList<Double>()
            var sink = 0
            repeat(BATCHES) {
                for ((on, times) in listOf(false to fresh, true to pooled)) {
                    UniffiCallStatusPool.enabled = on
                    val t0 = System.nanoTime()
                    for (i in 0 until BATCH) sink += engine.checkCall(input).reasons.size
                    times.add((System.nanoTime() - t0).toDouble() / BATCH)
                }
                rust.add(engine.measureCheckCall(input, BATCH.toUInt()).toDouble() / BATCH)
            }
            val f = median(fresh)
            val p = median(pooled)
            val r = median(rust)
            println(String.format("%-18s %10.0f %10.0f %7.2fx %10.0f %7.1fx", name, f, p, f / p, r, p / r))
            if (sink == 42) println()
        }
        UniffiCallStatusPool.enabled = true
        // Where the time goes: a crossing that lowers the CallInput record but lifts only a
        // u64 (measureCheckCall with 0 iterations), and one with no argument that lifts a
        // short String (exportVersion).
        val input = cases[0].second
        for ((name, call) in listOf<Pair<String, () -> Any>>(
            "record in, u64 out" to { engine.measureCheckCall(input, 0u) },
            "nothing in, String out" to { engine.exportVersion() },
        )) {
            val fresh = ArrayList<Double>()
            val pooled = ArrayList<Double>()
            for (on in listOf(false, true)) { UniffiCallStatusPool.enabled = on; repeat(3) { repeat(BATCH) { call() } } }
            repeat(BATCHES) {
                for ((on, times) in listOf(false to fresh, true to pooled)) {
                    UniffiCallStatusPool.enabled = on
                    val t0 = System.nanoTime()
                    for (i in 0 until BATCH) call()
                    times.add((System.nanoTime() - t0).toDouble() / BATCH)
                }
            }
            println(String.format("%-24s fresh %8.0f ns/call, pooled %8.0f ns/call", name, median(fresh), median(pooled)))
        }
        UniffiCallStatusPool.enabled = true
        engine.close()
        dir.deleteRecursively()
    }
}
