package org.callguard.app.ui

import android.app.AlertDialog
import android.content.Intent
import android.view.View
import android.widget.ArrayAdapter
import android.widget.Button
import android.widget.ListView
import android.widget.Toast
import org.callguard.Category
import org.callguard.HistoryEntry
import org.callguard.app.R
import org.callguard.app.notify.ResourceTexts

/** The history with reasons ("why was this blocked?"). An entry can be reported as fraud:
 *  the engine keeps the report on the phone, and it leaves only when the user shares the
 *  reports through the share sheet. */
class HistoryActivity : EngineActivity(R.layout.activity_history) {
    private var shown: List<HistoryEntry> = emptyList()

    override fun onEngine() {
        findViewById<ListView>(R.id.history).setOnItemClickListener { _, _, position, _ ->
            shown.getOrNull(position)?.let { explain(it) }
        }
        findViewById<Button>(R.id.share_reports).setOnClickListener { share() }
        show()
    }

    private fun show() {
        shown = runCatching { engine.history(LIMIT) }.getOrDefault(emptyList())
        val texts = ResourceTexts(this)
        val lines = shown.map { "${subject(it)} · ${it.decision.label}\n${texts.category(it.decision.category)}" }
        findViewById<ListView>(R.id.history).adapter = ArrayAdapter(this, android.R.layout.simple_list_item_1, lines)
        findViewById<View>(R.id.empty).visibility = if (shown.isEmpty()) View.VISIBLE else View.GONE
    }

    private fun subject(entry: HistoryEntry) = if (entry.subject == "hidden") getString(R.string.history_hidden) else entry.subject

    /** Every reason the engine gave; a number (not a hidden caller) can be reported. */
    private fun explain(entry: HistoryEntry) {
        val why = entry.decision.reasons.joinToString("\n") { "• ${it.detail}" }
        val dialog = AlertDialog.Builder(this).setTitle(subject(entry)).setMessage(why)
        if (entry.subject != "hidden") dialog.setPositiveButton(R.string.report_title) { _, _ -> report(entry) }
        dialog.show()
    }

    private fun report(entry: HistoryEntry) {
        val texts = ResourceTexts(this)
        val categories = Category.entries
        AlertDialog.Builder(this)
            .setTitle(R.string.report_title)
            .setItems(categories.map { texts.category(it) }.toTypedArray()) { _, which ->
                runCatching { engine.report(entry.subject, categories[which], "") }
                    .onSuccess { Toast.makeText(this, R.string.report_saved, Toast.LENGTH_LONG).show() }
            }
            .show()
    }

    /** The reports, as the publisher's source format, through the share sheet. */
    private fun share() {
        val csv = runCatching { engine.exportReports() }.getOrNull()
        if (csv == null || runCatching { engine.reports() }.getOrDefault(emptyList()).isEmpty()) {
            Toast.makeText(this, R.string.reports_none, Toast.LENGTH_LONG).show()
            return
        }
        val send = Intent(Intent.ACTION_SEND)
            .setType("text/csv")
            .putExtra(Intent.EXTRA_SUBJECT, getString(R.string.report_share_subject))
            .putExtra(Intent.EXTRA_TEXT, String(csv, Charsets.UTF_8))
        startActivity(Intent.createChooser(send, getString(R.string.action_share_reports)))
    }

    private companion object {
        const val LIMIT = 200u
    }
}
