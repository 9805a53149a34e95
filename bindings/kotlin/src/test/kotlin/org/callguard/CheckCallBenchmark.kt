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
    private const val BATCH = 20_000
    private const val BATCHES = 25

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
        println("demo list, ${BATCHES} batches of ${BATCH} calls per case; medians of the per-batch means")
        println(String.format("%-18s %12s %12s %8s %12s", "case", "JVM ns/call", "Rust ns/call", "ratio", "overhead ns"))
        for ((name, input) in cases) {
            // Warm up both paths: JIT, JNA's method tables, the allocator.
            repeat(5) { repeat(BATCH) { engine.checkCall(input) }; engine.measureCheckCall(input, BATCH.toUInt()) }
            val jvm = ArrayList<Double>()
            val rust = ArrayList<Double>()
            var sink = 0
            repeat(BATCHES) {
                val t0 = System.nanoTime()
                for (i in 0 until BATCH) sink += engine.checkCall(input).reasons.size
                jvm.add((System.nanoTime() - t0).toDouble() / BATCH)
                rust.add(engine.measureCheckCall(input, BATCH.toUInt()).toDouble() / BATCH)
            }
            val j = median(jvm)
            val r = median(rust)
            println(String.format("%-18s %12.0f %12.0f %7.2fx %12.0f", name, j, r, j / r, j - r))
            if (sink == 42) println()
        }
        // Where the time goes: a crossing that lowers the CallInput record but lifts only a
        // u64 (measureCheckCall with 0 iterations), and one with no argument that lifts a
        // short String (exportVersion).
        val input = cases[0].second
        for ((name, call) in listOf<Pair<String, () -> Any>>(
            "record in, u64 out" to { engine.measureCheckCall(input, 0u) },
            "nothing in, String out" to { engine.exportVersion() },
        )) {
            repeat(5) { repeat(BATCH) { call() } }
            val times = ArrayList<Double>()
            repeat(BATCHES) {
                val t0 = System.nanoTime()
                for (i in 0 until BATCH) call()
                times.add((System.nanoTime() - t0).toDouble() / BATCH)
            }
            println(String.format("%-24s %8.0f ns/call", name, median(times)))
        }
        engine.close()
        dir.deleteRecursively()
    }
}
