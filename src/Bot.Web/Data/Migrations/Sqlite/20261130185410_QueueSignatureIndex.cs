using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bot.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QueueSignatureIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_unanswered_questions_Signature",
                table: "unanswered_questions",
                column: "Signature");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_unanswered_questions_Signature",
                table: "unanswered_questions");
        }
    }
}
