package org.callguard.app.ui

import android.app.Activity
import android.os.Bundle
import org.callguard.Engine
import org.callguard.app.engine.EngineHolder

/** A screen that shows or changes the engine's state. The engine is opened off the main
 *  thread (the first open installs the bundled list); the screen binds its views once it
 *  is, and closes when none can be opened (the status screen says why). */
abstract class EngineActivity(private val layout: Int) : Activity() {
    /** The app's engine. */
    protected lateinit var engine: Engine

    final override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(layout)
        offMain({ EngineHolder.orNull(this) }) { opened ->
            if (opened == null) {
                finish()
            } else {
                engine = opened
                onEngine()
            }
        }
    }

    /** Binds the views once the engine is open. */
    protected abstract fun onEngine()
}
