package org.callguard.app

import org.callguard.Engine
import org.callguard.app.engine.EngineHolder
import org.junit.rules.ExternalResource

/** A fresh demo engine for each test, handed to the app's components through
 *  [EngineHolder.provider], and closed after the test. */
class DemoEngine : ExternalResource() {
    /** The test's engine. */
    lateinit var engine: Engine
        private set

    override fun before() {
        engine = TestEngines.demo()
        EngineHolder.provider = { engine }
    }

    override fun after() {
        EngineHolder.provider = null
        engine.close()
    }
}
