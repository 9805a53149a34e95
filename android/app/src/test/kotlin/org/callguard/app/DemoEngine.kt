package org.callguard.app

import android.os.Looper
import org.callguard.Engine
import org.callguard.app.engine.EngineHolder
import org.junit.rules.ExternalResource

/** A fresh demo engine for each test, handed to the app's components through
 *  [EngineHolder.provider], and closed after the test. Asking for it on the main thread
 *  fails (the component then sees no engine): opening it there would freeze the UI. */
class DemoEngine : ExternalResource() {
    /** The test's engine. */
    lateinit var engine: Engine
        private set

    override fun before() {
        engine = TestEngines.demo()
        EngineHolder.provider = {
            check(!Looper.getMainLooper().isCurrentThread) { "the engine was asked for on the main thread" }
            engine
        }
    }

    override fun after() {
        EngineHolder.provider = null
        engine.close()
    }
}
