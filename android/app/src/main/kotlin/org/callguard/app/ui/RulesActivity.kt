package org.callguard.app.ui

import android.widget.ArrayAdapter
import android.widget.Button
import android.widget.EditText
import android.widget.ListView
import android.widget.Toast
import org.callguard.RuleKind
import org.callguard.UserRule
import org.callguard.app.R

/** The user's allow and block rules: a number, a prefix (`+855*`) or a country
 *  (`country:KH`); the engine reads and checks each. Tapping a rule removes it. */
class RulesActivity : EngineActivity(R.layout.activity_rules) {
    private var shown: List<UserRule> = emptyList()

    override fun onEngine() {
        val target = findViewById<EditText>(R.id.target)
        fun add(kind: RuleKind) {
            try {
                engine.addRule(kind, target.text.toString())
                target.setText("")
            } catch (e: Exception) {
                Toast.makeText(this, R.string.rule_invalid, Toast.LENGTH_LONG).show()
            }
            show()
        }
        findViewById<Button>(R.id.add_allow).setOnClickListener { add(RuleKind.ALLOW) }
        findViewById<Button>(R.id.add_block).setOnClickListener { add(RuleKind.BLOCK) }
        findViewById<ListView>(R.id.rules).setOnItemClickListener { _, _, position, _ ->
            shown.getOrNull(position)?.let { runCatching { engine.removeRule(it.kind, it.target) } }
            show()
        }
        show()
    }

    private fun show() {
        shown = engine.rules()
        val lines = shown.map {
            getString(if (it.kind == RuleKind.ALLOW) R.string.rule_allow else R.string.rule_block, it.target)
        }
        findViewById<ListView>(R.id.rules).adapter = ArrayAdapter(this, android.R.layout.simple_list_item_1, lines)
    }
}
