package org.callguard.app.ui

import android.app.Activity
import android.os.Bundle
import org.callguard.Engine
import org.callguard.app.engine.EngineHolder

/** A screen that shows or changes the engine's state: it closes when no engine can be
 *  opened (the status screen says why). */
abstract class EngineActivity(private val layout: Int) : Activity() {
    /** The app's engine. */
    protected lateinit var engine: Engine

    final override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(layout)
        engine = EngineHolder.orNull(this) ?: run {
            finish()
            return
        }
        onEngine()
    }

    /** Binds the views once the engine is open. */
    protected abstract fun onEngine()
}
